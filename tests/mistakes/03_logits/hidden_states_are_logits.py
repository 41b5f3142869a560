"""hidden_states() runs the whole model, head included."""
from kata.plugin.adapters import reference_functions

globals().update(reference_functions("03_logits"))

CAUGHT_BY = "the body without the head"


def hidden_states(model, input_ids):
    return model(input_ids).logits
