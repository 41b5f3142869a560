"""Int8Linear keeps the scales in float32: 4 bytes per row on top of the int8 weight."""
# ruff: noqa: F821  (the reference's functions arrive through globals() below)

from kata.plugin.adapters import reference_functions

globals().update(reference_functions("10_fast"))

CAUGHT_BY = "one scale per row in the model's dtype"


class Int8Linear(Int8Linear):
    @classmethod
    def from_linear(cls, linear):
        q, scale = quantize_int8(linear.weight)
        return cls(q, scale, None if linear.bias is None else linear.bias.detach().clone())
