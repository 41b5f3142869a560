"""apply_rotary() rotates q only and returns k as it came."""
# ruff: noqa: F821  (the reference's functions arrive through globals() below)

from kata.plugin.adapters import reference_functions

globals().update(reference_functions("09_inside"))

CAUGHT_BY = 'first difference at layer 0, attention (rotary on q and k): k came back unrotated'


def apply_rotary(q, k, cos, sin):
    cos, sin = cos.unsqueeze(1), sin.unsqueeze(1)
    return q * cos + _rotate_half(q) * sin, k
