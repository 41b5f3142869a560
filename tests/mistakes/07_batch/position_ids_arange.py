"""position_ids_from_mask() numbers the columns (arange), ignoring the padding."""
import torch

from kata.plugin.adapters import reference_functions

globals().update(reference_functions("07_batch"))

CAUGHT_BY = "these are the column numbers (arange)"


def position_ids_from_mask(attention_mask):
    B, T = attention_mask.shape
    return torch.arange(T, device=attention_mask.device).expand(B, T)
