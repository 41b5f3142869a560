"""to_logits() applies the final norm again before the head."""
from kata.plugin.adapters import reference_functions

globals().update(reference_functions("03_logits"))

CAUGHT_BY = "applied a second time"


def to_logits(model, hidden):
    return model.lm_head(model.model.norm(hidden))
