"""apply_repetition_penalty() flattens the batch: every row is penalised for the ids of all rows."""
import torch

from kata.plugin.adapters import reference_functions

globals().update(reference_functions("06_sampling"))

CAUGHT_BY = "ids of ALL rows"


def apply_repetition_penalty(logits, input_ids, penalty):
    seen = torch.zeros(logits.shape[-1], dtype=torch.bool, device=logits.device)
    seen[input_ids.flatten()] = True
    return torch.where(seen, torch.where(logits < 0, logits * penalty, logits / penalty), logits)
