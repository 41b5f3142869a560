"""generate_sampled() penalises only the tokens it generated, not the prompt's."""
# ruff: noqa: F821  (the reference's names come from globals().update below)
import torch

from kata.plugin.adapters import reference_functions

globals().update(reference_functions("06_sampling"))

CAUGHT_BY = "the prompt's included"


@torch.no_grad()
def generate_sampled(model, input_ids, max_new_tokens, *, temperature=None, top_k=None, top_p=None,
                     repetition_penalty=None, eos_token_id=None):
    temperature = _option(model, "temperature", temperature)
    top_k = _option(model, "top_k", top_k)
    top_p = _option(model, "top_p", top_p)
    penalty = _option(model, "repetition_penalty", repetition_penalty)
    eos = _eos_ids(eos_token_id)
    new = input_ids[:, :0]
    out = model(input_ids, use_cache=True)
    for step in range(max_new_tokens):
        scores = out.logits[:, -1].float()
        scores = apply_repetition_penalty(scores, new, penalty)
        scores = apply_temperature(scores, temperature)
        if top_k:
            scores = top_k_filter(scores, top_k)
        if top_p < 1.0:
            scores = top_p_filter(scores, top_p)
        next_ids = sample_next(scores)
        new = torch.cat([new, next_ids], dim=1)
        if step + 1 == max_new_tokens or int(next_ids) in eos:
            break
        out = model(next_ids, cache=out.cache, use_cache=True)
    return new
