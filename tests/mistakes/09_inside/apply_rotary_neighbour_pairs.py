"""apply_rotary() rotates neighbouring pairs (x[2i], x[2i+1]), as Meta's Llama code does."""
import torch

from kata.plugin.adapters import reference_functions

globals().update(reference_functions("09_inside"))

CAUGHT_BY = 'first difference at layer 0, attention (rotary on q and k): cos and sin [batch, T, head_dim] need unsqueeze(1)'


def apply_rotary(q, k, cos, sin):
    def turn(x):
        even, odd = x[..., 0::2], x[..., 1::2]
        return torch.stack((-odd, even), dim=-1).flatten(-2)

    cos, sin = cos.unsqueeze(1), sin.unsqueeze(1)
    return q * cos + turn(q) * sin, k * cos + turn(k) * sin
