"""rms_norm() subtracts the mean first, as LayerNorm does; RMSNorm does not centre."""
import torch

from kata.plugin.adapters import reference_functions

globals().update(reference_functions("09_inside"))

CAUGHT_BY = 'first difference at layer 0, input norm'


def rms_norm(x, weight, eps: float) -> torch.Tensor:
    x32 = x.to(torch.float32)
    x32 = x32 - x32.mean(-1, keepdim=True)
    return weight * (x32 * torch.rsqrt(x32.pow(2).mean(-1, keepdim=True) + eps)).to(x.dtype)
