"""mlp() puts silu on up_proj instead of gate_proj."""
import torch.nn.functional as F

from kata.plugin.adapters import reference_functions

globals().update(reference_functions("09_inside"))

CAUGHT_BY = 'first difference at layer 0, MLP: gate and up are swapped'


def mlp(layer, x):
    m = layer.mlp
    return m.down_proj(F.silu(m.up_proj(x)) * m.gate_proj(x))
