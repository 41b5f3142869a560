"""top_k_filter() sorts ascending and keeps the k lowest scores."""
import torch

from kata.plugin.adapters import reference_functions

globals().update(reference_functions("06_sampling"))

CAUGHT_BY = "LOWEST"


def top_k_filter(logits, k):
    threshold = torch.sort(logits, dim=-1).values[..., k - 1 : k]
    return logits.masked_fill(logits > threshold, float("-inf"))
