"""apply_repetition_penalty() writes the penalised scores into the caller's tensor (scatter_)."""
import torch

from kata.plugin.adapters import reference_functions

globals().update(reference_functions("06_sampling"))

CAUGHT_BY = "in place"


def apply_repetition_penalty(logits, input_ids, penalty):
    seen = logits.gather(-1, input_ids)
    return logits.scatter_(-1, input_ids, torch.where(seen < 0, seen * penalty, seen / penalty))
