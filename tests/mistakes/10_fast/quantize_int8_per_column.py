"""quantize_int8() takes the max over dim 0: one scale per input column."""
# ruff: noqa: F821  (the reference's functions arrive through globals() below)

from kata.plugin.adapters import reference_functions

globals().update(reference_functions("10_fast"))

CAUGHT_BY = "one scale per OUTPUT row"


def quantize_int8(weight):
    w = weight.detach().float()
    scale = w.abs().amax(dim=0) / 127
    scale = torch.where(scale == 0, torch.ones_like(scale), scale)
    return torch.round(w / scale[None, :]).clamp(-127, 127).to(torch.int8), scale
