"""attention() is right, but the apply_rotary() it runs has rotate_half's sign flipped: attention's test must send
the learner to apply_rotary first, not to a checklist of attention's own mistakes."""
# ruff: noqa: F821  (the reference's functions arrive through globals() below)
import types

import torch

from kata.plugin.adapters import reference_functions

# As in a learner's own file, where every function calls its neighbours by name: the reference
# functions, rebound to THIS module's globals, so that they run the wrong apply_rotary() below.
globals().update({name: types.FunctionType(f.__code__, globals(), name) if isinstance(f, types.FunctionType) else f
                  for name, f in reference_functions("09_inside").items()})
_reference_attention = attention

CAUGHT_BY = "apply_rotary() is wrong (see its own tests): fix it first, attention() uses it"


def _apply_rotary_wrong(q, k, cos, sin):
    cos, sin = cos.unsqueeze(1), sin.unsqueeze(1)

    def turned(x):
        x1, x2 = x.chunk(2, dim=-1)
        return torch.cat((x2, -x1), dim=-1)  # the sign on the wrong half

    return q * cos + turned(q) * sin, k * cos + turned(k) * sin

apply_rotary = _apply_rotary_wrong


def attention(layer, hidden, cos, sin):
    return _reference_attention(layer, hidden, cos, sin)
