"""decoder_layer() returns mlp(...) without adding the stream back."""
# ruff: noqa: F821  (the reference's functions arrive through globals() below)

from kata.plugin.adapters import reference_functions

globals().update(reference_functions("09_inside"))

CAUGHT_BY = 'first difference at layer 0, MLP residual'


def decoder_layer(layer, hidden, cos, sin):
    norm1, norm2 = layer.input_layernorm, layer.post_attention_layernorm
    hidden = hidden + attention(layer, rms_norm(hidden, norm1.weight, norm1.variance_epsilon), cos, sin)
    return mlp(layer, rms_norm(hidden, norm2.weight, norm2.variance_epsilon))
