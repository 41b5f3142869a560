"""last_token_logits() returns the best id instead of the row of scores."""
from kata.plugin.adapters import reference_functions

globals().update(reference_functions("03_logits"))

CAUGHT_BY = "not the id of the best one"


def last_token_logits(logits):
    return int(logits[0, -1].argmax())
