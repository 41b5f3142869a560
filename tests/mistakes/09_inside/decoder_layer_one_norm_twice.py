"""decoder_layer() uses input_layernorm's weight for both norms."""
# ruff: noqa: F821  (the reference's functions arrive through globals() below)

from kata.plugin.adapters import reference_functions

globals().update(reference_functions("09_inside"))

CAUGHT_BY = 'first difference at layer 0, post-attention norm'


def decoder_layer(layer, hidden, cos, sin):
    norm1 = layer.input_layernorm
    hidden = hidden + attention(layer, rms_norm(hidden, norm1.weight, norm1.variance_epsilon), cos, sin)
    return hidden + mlp(layer, rms_norm(hidden, norm1.weight, norm1.variance_epsilon))
