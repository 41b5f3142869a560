"""rms_norm() computes in x's own dtype: no float32 upcast (fp16 squares overflow)."""
import torch

from kata.plugin.adapters import reference_functions

globals().update(reference_functions("09_inside"))

CAUGHT_BY = 'first difference at layer 0, input norm: x² overflows float16'


def rms_norm(x, weight, eps: float) -> torch.Tensor:
    return weight * (x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + eps))
