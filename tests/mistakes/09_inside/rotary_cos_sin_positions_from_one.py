"""rotary_cos_sin() counts positions from 1 instead of using position_ids as they are."""
import torch

from kata.plugin.adapters import reference_functions

globals().update(reference_functions("09_inside"))

CAUGHT_BY = 'first difference at rotary cos/sin (cos): the positions are off by one'


def rotary_cos_sin(config, position_ids, dtype, device):
    head_dim = config.hidden_size // config.num_attention_heads
    base = config.rope_parameters["rope_theta"]
    inv_freq = 1.0 / (base ** (torch.arange(0, head_dim, 2, dtype=torch.float32, device=device) / head_dim))
    angles = (position_ids + 1).to(device=device, dtype=torch.float32)[..., None] * inv_freq
    angles = torch.cat((angles, angles), dim=-1)
    return angles.cos().to(dtype), angles.sin().to(dtype)
