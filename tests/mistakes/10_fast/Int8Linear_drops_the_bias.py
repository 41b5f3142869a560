"""Int8Linear keeps no bias: the q, k and v projections of Qwen2 have one."""
# ruff: noqa: F821  (the reference's functions arrive through globals() below)

from kata.plugin.adapters import reference_functions

globals().update(reference_functions("10_fast"))

CAUGHT_BY = "the bias is missing"


class Int8Linear(Int8Linear):
    def forward(self, x):
        return F.linear(x, self.weight.to(x.dtype)) * self.scale.to(x.dtype)
