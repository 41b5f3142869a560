"""argmax_token() returns the 0-d tensor that .argmax() gives, not a Python int."""
from kata.plugin.adapters import reference_functions

globals().update(reference_functions("04_decode"))

CAUGHT_BY = "int(...) or .item()"


def argmax_token(logits):
    return logits.argmax()
