"""sample_next() shifts the raw scores to be non-negative and uses them as weights, no softmax."""
import torch

from kata.plugin.adapters import reference_functions

globals().update(reference_functions("06_sampling"))

CAUGHT_BY = "raw scores were used as weights"


def sample_next(logits, generator=None):
    weights = logits - logits.min(dim=-1, keepdim=True).values
    return torch.multinomial(weights, 1, generator=generator)
