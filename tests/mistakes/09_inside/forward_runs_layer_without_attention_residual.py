"""forward() is right, but its decoder_layer() drops the attention residual: forward's test must locate it."""
# ruff: noqa: F821  (the reference's functions arrive through globals() below)
import types

from kata.plugin.adapters import reference_functions

# As in a learner's own file, where every function calls its neighbours by name: the reference
# functions, rebound to THIS module's globals, so that they run the wrong decoder_layer() below.
globals().update({name: types.FunctionType(f.__code__, globals(), name) if isinstance(f, types.FunctionType) else f
                  for name, f in reference_functions("09_inside").items()})
_reference_forward = forward

CAUGHT_BY = 'first difference at layer 0, attention residual'


def _decoder_layer_wrong(layer, hidden, cos, sin):
    norm1, norm2 = layer.input_layernorm, layer.post_attention_layernorm
    hidden = attention(layer, rms_norm(hidden, norm1.weight, norm1.variance_epsilon), cos, sin)  # no hidden +
    return hidden + mlp(layer, rms_norm(hidden, norm2.weight, norm2.variance_epsilon))

decoder_layer = _decoder_layer_wrong


def forward(model, input_ids):
    return _reference_forward(model, input_ids)
