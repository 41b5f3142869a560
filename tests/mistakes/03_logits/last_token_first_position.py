"""last_token_logits() takes the first position instead of the last."""
from kata.plugin.adapters import reference_functions

globals().update(reference_functions("03_logits"))

CAUGHT_BY = "FIRST position"


def last_token_logits(logits):
    return logits[0, 0]
