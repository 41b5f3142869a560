"""count_parameters() sums state_dict() and always subtracts lm_head, which is right only for a tied model."""
from kata.plugin.adapters import reference_functions

globals().update(reference_functions("01_load"))

CAUGHT_BY = "Do not assume ties"


def count_parameters(model):
    total = sum(t.numel() for t in model.state_dict().values())
    return total - model.lm_head.weight.numel()
