"""apply_rotary() rotates the wrong way: rotate_half gives (x2, -x1) instead of (-x2, x1)."""
import torch

from kata.plugin.adapters import reference_functions

globals().update(reference_functions("09_inside"))

CAUGHT_BY = "first difference at layer 0, attention (rotary on q and k): rotate_half's sign is flipped"


def apply_rotary(q, k, cos, sin):
    def turn(x):
        x1, x2 = x.chunk(2, dim=-1)
        return torch.cat((x2, -x1), dim=-1)

    cos, sin = cos.unsqueeze(1), sin.unsqueeze(1)
    return q * cos + turn(q) * sin, k * cos + turn(k) * sin
