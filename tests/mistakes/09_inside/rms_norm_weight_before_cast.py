"""rms_norm() multiplies by the weight before casting back to x's dtype."""
import torch

from kata.plugin.adapters import reference_functions

globals().update(reference_functions("09_inside"))

CAUGHT_BY = 'first difference at layer 0, input norm: Qwen2RMSNorm computes in float32, casts the normalised x back'


def rms_norm(x, weight, eps: float) -> torch.Tensor:
    x32 = x.to(torch.float32)
    return (weight * x32 * torch.rsqrt(x32.pow(2).mean(-1, keepdim=True) + eps)).to(x.dtype)
