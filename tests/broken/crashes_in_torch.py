"""last_token_logits() reshapes wrongly and torch raises deep inside."""
from kata.plugin.adapters import reference_functions

globals().update(reference_functions("03_logits"))


def last_token_logits(logits):
    return logits.view(3, -1, 7)[0, -1]
