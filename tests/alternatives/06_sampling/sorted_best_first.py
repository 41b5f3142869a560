"""A correct version whose filters sort the scores best first instead of using torch.topk or
transformers' ascending sort.

top_k_filter() reads the k-th best score from a descending sort; top_p_filter() keeps a token
while the probability of the tokens BEFORE it is still below p; apply_repetition_penalty() works
row by row on each row's distinct ids; apply_temperature() multiplies by 1 / temperature.
"""
import torch

from kata.plugin.adapters import reference_functions

globals().update(reference_functions("06_sampling"))


def apply_temperature(logits, temperature):
    if not temperature > 0:
        raise ValueError(f"temperature must be > 0, got {temperature}")
    return logits * (1.0 / temperature)


def top_k_filter(logits, k):
    ordered = torch.sort(logits, dim=-1, descending=True).values
    kth_best = ordered[..., min(k, logits.shape[-1]) - 1, None]
    return torch.where(logits >= kth_best, logits, torch.full_like(logits, float("-inf")))


def top_p_filter(logits, p):
    ordered, order = torch.sort(logits, dim=-1, descending=True)
    probs = ordered.softmax(dim=-1)
    before = probs.cumsum(dim=-1) - probs  # the mass of the better tokens
    keep_sorted = before < p
    keep_sorted[..., 0] = True
    keep = torch.zeros_like(keep_sorted).scatter(-1, order, keep_sorted)
    return logits.masked_fill(~keep, float("-inf"))


def apply_repetition_penalty(logits, input_ids, penalty):
    out = logits.clone()
    for row, ids in enumerate(input_ids):
        seen = ids.unique()
        scores = out[row, seen]
        out[row, seen] = torch.where(scores > 0, scores / penalty, scores * penalty)
    return out
