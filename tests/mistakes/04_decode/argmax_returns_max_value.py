"""argmax_token() returns the highest score instead of its index."""
from kata.plugin.adapters import reference_functions

globals().update(reference_functions("04_decode"))

CAUGHT_BY = "not its index"


def argmax_token(logits):
    return logits.max().item()
