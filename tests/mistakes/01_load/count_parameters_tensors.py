"""count_parameters() counts parameter tensors instead of the numbers inside them."""
from kata.plugin.adapters import reference_functions

globals().update(reference_functions("01_load"))

CAUGHT_BY = "number of parameter TENSORS"


def count_parameters(model):
    return len(list(model.parameters()))
