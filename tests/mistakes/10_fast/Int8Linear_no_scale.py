"""Int8Linear multiplies by the int8 weight and forgets the scales."""
# ruff: noqa: F821  (the reference's functions arrive through globals() below)

from kata.plugin.adapters import reference_functions

globals().update(reference_functions("10_fast"))

CAUGHT_BY = "multiply each output column by its row's scale"


class Int8Linear(Int8Linear):
    def forward(self, x):
        out = F.linear(x, self.weight.to(x.dtype))
        return out if self.bias is None else out + self.bias.to(x.dtype)
