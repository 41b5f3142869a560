"""forward() is right, but the attention() it runs has no 1/sqrt(head_dim) scale: forward's test must locate it."""
# ruff: noqa: F821  (the reference's functions arrive through globals() below)
import types

import torch

from kata.plugin.adapters import reference_functions

# As in a learner's own file, where every function calls its neighbours by name: the reference
# functions, rebound to THIS module's globals, so that they run the wrong attention() below.
globals().update({name: types.FunctionType(f.__code__, globals(), name) if isinstance(f, types.FunctionType) else f
                  for name, f in reference_functions("09_inside").items()})
_reference_forward = forward

CAUGHT_BY = 'first difference at layer 0, attention: no 1/sqrt(head_dim) scaling'


def _attention_wrong(layer, hidden, cos, sin):
    attn = layer.self_attn
    batch, T, _ = hidden.shape
    q, k, v = (p(hidden).view(batch, T, -1, attn.head_dim).transpose(1, 2) for p in (attn.q_proj, attn.k_proj, attn.v_proj))
    q, k = apply_rotary(q, k, cos, sin)
    groups = q.shape[1] // k.shape[1]
    k, v = k.repeat_interleave(groups, dim=1), v.repeat_interleave(groups, dim=1)
    scores = q @ k.transpose(-1, -2)  # no * head_dim**-0.5
    scores = scores.masked_fill(torch.ones(T, T, dtype=torch.bool, device=hidden.device).triu(1), float("-inf"))
    weights = torch.softmax(scores, dim=-1, dtype=torch.float32).to(v.dtype)
    return attn.o_proj((weights @ v).transpose(1, 2).reshape(batch, T, -1))

attention = _attention_wrong


def forward(model, input_ids):
    return _reference_forward(model, input_ids)
