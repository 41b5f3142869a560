"""attention() rotates the values too; rotary belongs to q and k only."""
# ruff: noqa: F821  (the reference's functions arrive through globals() below)
import torch

from kata.plugin.adapters import reference_functions

globals().update(reference_functions("09_inside"))

CAUGHT_BY = 'first difference at layer 0, attention: q/k/v projections (with biases)'


def attention(layer, hidden, cos, sin):
    attn = layer.self_attn
    batch, T, _ = hidden.shape
    head_dim = attn.head_dim
    q = attn.q_proj(hidden).view(batch, T, -1, head_dim).transpose(1, 2)
    k = attn.k_proj(hidden).view(batch, T, -1, head_dim).transpose(1, 2)
    v = attn.v_proj(hidden).view(batch, T, -1, head_dim).transpose(1, 2)
    q, k = apply_rotary(q, k, cos, sin)
    v, _ = apply_rotary(v, v, cos, sin)
    groups = q.shape[1] // k.shape[1]
    k, v = k.repeat_interleave(groups, dim=1), v.repeat_interleave(groups, dim=1)
    scores = (q @ k.transpose(-1, -2)) * head_dim**-0.5
    future = torch.ones(T, T, dtype=torch.bool, device=hidden.device).triu(1)
    scores = scores.masked_fill(future, float("-inf"))
    weights = torch.softmax(scores, dim=-1, dtype=torch.float32).to(v.dtype)
    out = (weights @ v).transpose(1, 2).reshape(batch, T, -1)
    return attn.o_proj(out)
