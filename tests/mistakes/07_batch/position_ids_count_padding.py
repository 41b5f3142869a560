"""position_ids_from_mask() counts from the first real token, padding after it included."""
import torch

from kata.plugin.adapters import reference_functions

globals().update(reference_functions("07_batch"))

CAUGHT_BY = "the padding after the first real token was counted"


def position_ids_from_mask(attention_mask):
    T = attention_mask.shape[1]
    first_real = attention_mask.long().argmax(-1, keepdim=True)
    return (torch.arange(T, device=attention_mask.device) - first_real).clamp(min=0)
