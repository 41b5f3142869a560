"""rms_norm() adds eps after normalising: x * rsqrt(mean(x²)) + eps."""
import torch

from kata.plugin.adapters import reference_functions

globals().update(reference_functions("09_inside"))

CAUGHT_BY = 'first difference at layer 0, input norm: when mean(x²) is as small as eps'


def rms_norm(x, weight, eps: float) -> torch.Tensor:
    x32 = x.to(torch.float32)
    return weight * (x32 * torch.rsqrt(x32.pow(2).mean(-1, keepdim=True)) + eps).to(x.dtype)
