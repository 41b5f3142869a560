"""top_p_filter() adds up the sorted raw scores instead of their probabilities."""
import torch

from kata.plugin.adapters import reference_functions

globals().update(reference_functions("06_sampling"))

CAUGHT_BY = "on the raw scores"


def top_p_filter(logits, p):
    sorted_logits, order = torch.sort(logits, dim=-1, descending=True)
    remove = sorted_logits.cumsum(-1) - sorted_logits >= p
    remove[..., 0] = False
    return logits.masked_fill(remove.scatter(-1, order, remove), float("-inf"))
