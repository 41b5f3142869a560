"""argmax_token() returns [id] from topk(1).indices.tolist()."""
from kata.plugin.adapters import reference_functions

globals().update(reference_functions("04_decode"))

CAUGHT_BY = "one id, not a list"


def argmax_token(logits):
    return logits.topk(1).indices.tolist()
