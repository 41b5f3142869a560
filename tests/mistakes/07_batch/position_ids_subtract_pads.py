"""position_ids_from_mask() subtracts each row's number of pads from the column numbers."""
import torch

from kata.plugin.adapters import reference_functions

globals().update(reference_functions("07_batch"))

CAUGHT_BY = "subtracting the number of pads works only when all of them come first"


def position_ids_from_mask(attention_mask):
    T = attention_mask.shape[1]
    pads = (attention_mask == 0).sum(-1, keepdim=True)
    return torch.arange(T, device=attention_mask.device) - pads
