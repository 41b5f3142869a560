"""top_k_filter() keeps exactly the k indices torch.topk returns, dropping ties with the k-th."""
import torch

from kata.plugin.adapters import reference_functions

globals().update(reference_functions("06_sampling"))

CAUGHT_BY = "ties were dropped"


def top_k_filter(logits, k):
    keep = torch.zeros_like(logits, dtype=torch.bool).scatter(-1, torch.topk(logits, k).indices, True)
    return logits.masked_fill(~keep, float("-inf"))
