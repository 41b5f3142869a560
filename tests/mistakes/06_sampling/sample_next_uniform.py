"""sample_next() draws a uniformly random id, whatever the scores."""
import torch

from kata.plugin.adapters import reference_functions

globals().update(reference_functions("06_sampling"))

CAUGHT_BY = "uniform"


def sample_next(logits, generator=None):
    return torch.randint(logits.shape[-1], (logits.shape[0], 1), generator=generator, device=logits.device)
