"""attention() never repeats the kv heads for the query heads that share them."""
# ruff: noqa: F821  (the reference's functions arrive through globals() below)
import torch

from kata.plugin.adapters import reference_functions

globals().update(reference_functions("09_inside"))

CAUGHT_BY = 'it broke on layer 0: print the shape of each step'


def attention(layer, hidden, cos, sin):
    attn = layer.self_attn
    batch, T, _ = hidden.shape
    head_dim = attn.head_dim
    q = attn.q_proj(hidden).view(batch, T, -1, head_dim).transpose(1, 2)
    k = attn.k_proj(hidden).view(batch, T, -1, head_dim).transpose(1, 2)
    v = attn.v_proj(hidden).view(batch, T, -1, head_dim).transpose(1, 2)
    q, k = apply_rotary(q, k, cos, sin)
    groups = q.shape[1] // k.shape[1]
    del groups  # 2 kv heads for 4 query heads?
    scores = (q @ k.transpose(-1, -2)) * head_dim**-0.5
    future = torch.ones(T, T, dtype=torch.bool, device=hidden.device).triu(1)
    scores = scores.masked_fill(future, float("-inf"))
    weights = torch.softmax(scores, dim=-1, dtype=torch.float32).to(v.dtype)
    out = (weights @ v).transpose(1, 2).reshape(batch, T, -1)
    return attn.o_proj(out)
