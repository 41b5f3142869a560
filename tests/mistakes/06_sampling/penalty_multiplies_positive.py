"""apply_repetition_penalty() multiplies every seen score, positive ones included."""
from kata.plugin.adapters import reference_functions

globals().update(reference_functions("06_sampling"))

CAUGHT_BY = "POSITIVE score must be divided"


def apply_repetition_penalty(logits, input_ids, penalty):
    return logits.scatter(-1, input_ids, logits.gather(-1, input_ids) * penalty)
