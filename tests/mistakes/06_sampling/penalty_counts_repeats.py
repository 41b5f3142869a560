"""apply_repetition_penalty() loops over the ids and penalises a repeated token once per occurrence."""
import torch

from kata.plugin.adapters import reference_functions

globals().update(reference_functions("06_sampling"))

CAUGHT_BY = "penalised twice"


def apply_repetition_penalty(logits, input_ids, penalty):
    out = logits.clone()
    for b in range(input_ids.shape[0]):
        for token in input_ids[b].tolist():
            score = out[b, token]
            out[b, token] = torch.where(score < 0, score * penalty, score / penalty)
    return out
