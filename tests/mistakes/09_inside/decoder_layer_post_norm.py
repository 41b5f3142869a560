"""decoder_layer() normalises after each residual (post-norm, as in the 2017 Transformer)."""
# ruff: noqa: F821  (the reference's functions arrive through globals() below)

from kata.plugin.adapters import reference_functions

globals().update(reference_functions("09_inside"))

CAUGHT_BY = "first difference at layer 0, input norm: attention() got the layer's raw input"


def decoder_layer(layer, hidden, cos, sin):
    norm1, norm2 = layer.input_layernorm, layer.post_attention_layernorm
    hidden = rms_norm(hidden + attention(layer, hidden, cos, sin), norm1.weight, norm1.variance_epsilon)
    return rms_norm(hidden + mlp(layer, hidden), norm2.weight, norm2.variance_epsilon)
