"""quantize_int8() never clamps, and divides in the weight's own dtype: in bf16 a value rounds to 128, which wraps to -128."""
# ruff: noqa: F821  (the reference's functions arrive through globals() below)

from kata.plugin.adapters import reference_functions

globals().update(reference_functions("10_fast"))

CAUGHT_BY = "clamp after rounding"


def quantize_int8(weight):
    w = weight.detach()
    scale = w.abs().amax(dim=1) / 127
    scale = torch.where(scale == 0, torch.ones_like(scale), scale)
    return torch.round(w / scale[:, None]).to(torch.int8), scale.float()
