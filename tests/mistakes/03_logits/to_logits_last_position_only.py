"""to_logits() scores only the last position."""
from kata.plugin.adapters import reference_functions

globals().update(reference_functions("03_logits"))

CAUGHT_BY = "only one position"


def to_logits(model, hidden):
    return model.lm_head(hidden[:, -1])
