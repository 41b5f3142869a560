"""hidden_states() computes the right tensor but forgets to return it."""
from kata.plugin.adapters import reference_functions

reference = reference_functions("03_logits")
globals().update(reference)


def hidden_states(model, input_ids):
    reference["hidden_states"](model, input_ids)
