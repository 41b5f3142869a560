"""rotary_cos_sin() repeats each angle for neighbouring dimensions (repeat_interleave)."""
import torch

from kata.plugin.adapters import reference_functions

globals().update(reference_functions("09_inside"))

CAUGHT_BY = 'first difference at rotary cos/sin (cos): angle i belongs to dimensions i and i + head_dim/2'


def rotary_cos_sin(config, position_ids, dtype, device):
    head_dim = config.hidden_size // config.num_attention_heads
    base = config.rope_parameters["rope_theta"]
    inv_freq = 1.0 / (base ** (torch.arange(0, head_dim, 2, dtype=torch.float32, device=device) / head_dim))
    angles = position_ids.to(device=device, dtype=torch.float32)[..., None] * inv_freq
    angles = angles.repeat_interleave(2, dim=-1)
    return angles.cos().to(dtype), angles.sin().to(dtype)
