"""count_parameters() counts only parameters that require a gradient (the common fine-tuning snippet)."""
from kata.plugin.adapters import reference_functions

globals().update(reference_functions("01_load"))

CAUGHT_BY = "requires_grad"


def count_parameters(model):
    return sum(p.numel() for p in model.parameters() if p.requires_grad)
