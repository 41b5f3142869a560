"""mlp() skips the gate: down(silu(up(x))), a plain MLP instead of SwiGLU."""
import torch.nn.functional as F

from kata.plugin.adapters import reference_functions

globals().update(reference_functions("09_inside"))

CAUGHT_BY = 'first difference at layer 0, MLP'


def mlp(layer, x):
    m = layer.mlp
    return m.down_proj(F.silu(m.up_proj(x)))
