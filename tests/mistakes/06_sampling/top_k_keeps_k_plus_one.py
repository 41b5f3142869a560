"""top_k_filter() takes the (k+1)-th best score as the threshold: one token too many."""
import torch

from kata.plugin.adapters import reference_functions

globals().update(reference_functions("06_sampling"))

CAUGHT_BY = "k+1 tokens"


def top_k_filter(logits, k):
    threshold = torch.topk(logits, k + 1).values[..., -1:]
    return logits.masked_fill(logits < threshold, float("-inf"))
