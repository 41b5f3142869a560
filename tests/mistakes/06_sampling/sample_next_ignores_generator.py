"""sample_next() never passes the generator on: it always draws from the global RNG."""
import torch

from kata.plugin.adapters import reference_functions

globals().update(reference_functions("06_sampling"))

CAUGHT_BY = "global random generator"


def sample_next(logits, generator=None):
    return torch.multinomial(torch.softmax(logits, dim=-1), 1)
