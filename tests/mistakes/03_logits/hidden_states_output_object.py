"""hidden_states() returns the model output object instead of the tensor inside it."""
from kata.plugin.adapters import reference_functions

globals().update(reference_functions("03_logits"))

CAUGHT_BY = "last_hidden_state"


def hidden_states(model, input_ids):
    return model.model(input_ids)
