"""mlp() uses relu instead of silu."""
import torch.nn.functional as F

from kata.plugin.adapters import reference_functions

globals().update(reference_functions("09_inside"))

CAUGHT_BY = 'first difference at layer 0, MLP: relu instead of silu'


def mlp(layer, x):
    m = layer.mlp
    return m.down_proj(F.relu(m.gate_proj(x)) * m.up_proj(x))
