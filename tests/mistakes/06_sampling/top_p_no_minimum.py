"""top_p_filter() has no minimum: for a tiny p (here 0) no token at all survives."""
import torch

from kata.plugin.adapters import reference_functions

globals().update(reference_functions("06_sampling"))

CAUGHT_BY = "kept no token at all"


def top_p_filter(logits, p):
    sorted_logits, order = torch.sort(logits, dim=-1, descending=True)
    probs = sorted_logits.softmax(-1)
    remove = probs.cumsum(-1) - probs >= p  # the mass before each token already reaches p
    return logits.masked_fill(remove.scatter(-1, order, remove), float("-inf"))
