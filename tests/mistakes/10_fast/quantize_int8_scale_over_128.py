"""quantize_int8() divides max|row| by 128 (int8 reaches -128) instead of 127, and clamps."""
# ruff: noqa: F821  (the reference's functions arrive through globals() below)

from kata.plugin.adapters import reference_functions

globals().update(reference_functions("10_fast"))

CAUGHT_BY = "not by 128"


def quantize_int8(weight):
    w = weight.detach().float()
    scale = w.abs().amax(dim=1) / 128
    scale = torch.where(scale == 0, torch.ones_like(scale), scale)
    return torch.round(w / scale[:, None]).clamp(-127, 127).to(torch.int8), scale
