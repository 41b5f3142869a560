"""top_p_filter() shifts an already exclusive cumulative sum again: one token past the cut stays."""
import torch

from kata.plugin.adapters import reference_functions

globals().update(reference_functions("06_sampling"))

CAUGHT_BY = "one token too many"


def top_p_filter(logits, p):
    sorted_logits, order = torch.sort(logits, dim=-1, descending=True)
    probs = sorted_logits.softmax(-1)
    before = probs.cumsum(-1) - probs  # mass before each token
    remove = before >= p
    remove[..., 1:] = remove[..., :-1].clone()  # "keep the token that crosses p" (already kept)
    remove[..., 0] = False
    return logits.masked_fill(remove.scatter(-1, order, remove), float("-inf"))
