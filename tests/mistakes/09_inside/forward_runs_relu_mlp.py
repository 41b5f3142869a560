"""forward() is right, but the mlp() it runs uses relu instead of silu: forward's test must locate it."""
# ruff: noqa: F821  (the reference's functions arrive through globals() below)
import types

import torch.nn.functional as F

from kata.plugin.adapters import reference_functions

# As in a learner's own file, where every function calls its neighbours by name: the reference
# functions, rebound to THIS module's globals, so that they run the wrong mlp() below.
globals().update({name: types.FunctionType(f.__code__, globals(), name) if isinstance(f, types.FunctionType) else f
                  for name, f in reference_functions("09_inside").items()})
_reference_forward = forward

CAUGHT_BY = 'first difference at layer 0, MLP: relu instead of silu'


def _mlp_wrong(layer, x):
    m = layer.mlp
    return m.down_proj(F.relu(m.gate_proj(x)) * m.up_proj(x))

mlp = _mlp_wrong


def forward(model, input_ids):
    return _reference_forward(model, input_ids)
