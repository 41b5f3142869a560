"""Int8Linear's one-row path (a decode step: a multiply and a sum) forgets the scales; many rows are right."""
# ruff: noqa: F821  (the reference's functions arrive through globals() below)

from kata.plugin.adapters import reference_functions

globals().update(reference_functions("10_fast"))

CAUGHT_BY = "multiply each output column by its row's scale"


class Int8Linear(Int8Linear):
    def forward(self, x):
        weight = self.weight.to(x.dtype)
        if x.shape[:-1].numel() == 1:
            out = (x.unsqueeze(-2) * weight).sum(-1)
        else:
            out = F.linear(x, weight) * self.scale.to(x.dtype)
        return out if self.bias is None else out + self.bias.to(x.dtype)
