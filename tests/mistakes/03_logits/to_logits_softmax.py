"""to_logits() returns probabilities instead of raw scores."""
import torch

from kata.plugin.adapters import reference_functions

globals().update(reference_functions("03_logits"))

CAUGHT_BY = "probabilities"


def to_logits(model, hidden):
    return torch.softmax(model.lm_head(hidden).float(), dim=-1)
