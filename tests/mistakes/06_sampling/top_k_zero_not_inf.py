"""top_k_filter() sets the filtered scores to 0 instead of -inf."""
import torch

from kata.plugin.adapters import reference_functions

globals().update(reference_functions("06_sampling"))

CAUGHT_BY = "not 0"


def top_k_filter(logits, k):
    threshold = torch.topk(logits, k).values[..., -1:]
    return logits.masked_fill(logits < threshold, 0.0)
