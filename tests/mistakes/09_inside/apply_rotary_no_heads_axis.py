"""apply_rotary() forgets cos.unsqueeze(1): [batch, T, head_dim] does not broadcast over heads."""
# ruff: noqa: F821  (the reference's functions arrive through globals() below)

from kata.plugin.adapters import reference_functions

globals().update(reference_functions("09_inside"))

CAUGHT_BY = 'it broke on a float32 batch of two, at different positions'


def apply_rotary(q, k, cos, sin):
    return q * cos + _rotate_half(q) * sin, k * cos + _rotate_half(k) * sin
