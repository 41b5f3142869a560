"""sample_next() returns the argmax: greedy, not sampling."""
from kata.plugin.adapters import reference_functions

globals().update(reference_functions("06_sampling"))

CAUGHT_BY = "argmax"


def sample_next(logits, generator=None):
    return logits.argmax(dim=-1, keepdim=True)
