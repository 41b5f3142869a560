"""quantize_int8() leaves a row of zeros with scale 0 (and 0/0 = nan in it)."""
# ruff: noqa: F821  (the reference's functions arrive through globals() below)

from kata.plugin.adapters import reference_functions

globals().update(reference_functions("10_fast"))

CAUGHT_BY = "a row of zeros gets scale 1"


def quantize_int8(weight):
    w = weight.detach().float()
    scale = w.abs().amax(dim=1) / 127
    return torch.nan_to_num(torch.round(w / scale[:, None])).clamp(-127, 127).to(torch.int8), scale
