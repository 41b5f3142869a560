"""count_parameters() sums state_dict(), which lists the tied embedding twice (as embed_tokens and lm_head)."""
from kata.plugin.adapters import reference_functions

globals().update(reference_functions("01_load"))

CAUGHT_BY = "counted twice"


def count_parameters(model):
    return sum(t.numel() for t in model.state_dict().values())
