"""apply_repetition_penalty() divides every seen score, so negative scores get closer to 0."""
from kata.plugin.adapters import reference_functions

globals().update(reference_functions("06_sampling"))

CAUGHT_BY = "NEGATIVE score"


def apply_repetition_penalty(logits, input_ids, penalty):
    return logits.scatter(-1, input_ids, logits.gather(-1, input_ids) / penalty)
