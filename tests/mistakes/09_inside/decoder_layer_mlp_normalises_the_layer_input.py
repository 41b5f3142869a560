"""decoder_layer() normalises the layer's input again for the MLP, not the sum after the attention: the failure
must show what the layer returned as "returned", and locate the attention residual as the first difference."""
# ruff: noqa: F821  (the reference's functions arrive through globals() below)

from kata.plugin.adapters import reference_functions

globals().update(reference_functions("09_inside"))

CAUGHT_BY = "the layer's output, not the model's"


def decoder_layer(layer, hidden, cos, sin):
    norm1, norm2 = layer.input_layernorm, layer.post_attention_layernorm
    h = hidden + attention(layer, rms_norm(hidden, norm1.weight, norm1.variance_epsilon), cos, sin)
    return h + mlp(layer, rms_norm(hidden, norm2.weight, norm2.variance_epsilon))
