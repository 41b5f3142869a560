"""A correct version built from transformers' own processor classes instead of a hand loop.

The four processors wrap TemperatureLogitsWarper, TopKLogitsWarper, TopPLogitsWarper and
RepetitionPenaltyLogitsProcessor; sample_next() draws with Tensor.multinomial; generate_sampled()
chains the processors in a LogitsProcessorList (penalty, temperature, top-k, top-p, as generate
builds them) and stops with torch.isin.
"""
import torch
from transformers.generation.logits_process import (
    LogitsProcessorList,
    RepetitionPenaltyLogitsProcessor,
    TemperatureLogitsWarper,
    TopKLogitsWarper,
    TopPLogitsWarper,
)

from kata.plugin.adapters import reference_functions

globals().update(reference_functions("06_sampling"))


def apply_temperature(logits, temperature):
    if temperature <= 0:
        raise ValueError(f"the temperature must be positive, got {temperature}")
    return TemperatureLogitsWarper(temperature)(None, logits.clone())


def top_k_filter(logits, k):
    return TopKLogitsWarper(k)(None, logits.clone())


def top_p_filter(logits, p):
    return TopPLogitsWarper(p)(None, logits.clone())


def apply_repetition_penalty(logits, input_ids, penalty):
    return RepetitionPenaltyLogitsProcessor(penalty)(input_ids, logits.clone())


def sample_next(logits, generator=None):
    return logits.softmax(dim=-1).multinomial(1, generator=generator)


def _processors(model, temperature, top_k, top_p, repetition_penalty):
    config = model.generation_config

    def pick(value, name, default):
        value = getattr(config, name, None) if value is None else value
        return default if value is None else value

    penalty = pick(repetition_penalty, "repetition_penalty", 1.0)
    temperature = pick(temperature, "temperature", 1.0)
    top_k, top_p = pick(top_k, "top_k", 50), pick(top_p, "top_p", 1.0)
    chain = LogitsProcessorList()
    if penalty != 1.0:
        chain.append(RepetitionPenaltyLogitsProcessor(penalty))
    if temperature != 1.0:
        chain.append(TemperatureLogitsWarper(temperature))
    if top_k:
        chain.append(TopKLogitsWarper(top_k))
    if top_p < 1.0:
        chain.append(TopPLogitsWarper(top_p))
    return chain


@torch.no_grad()
def generate_sampled(model, input_ids, max_new_tokens, *, temperature=None, top_k=None, top_p=None,
                     repetition_penalty=None, eos_token_id=None):
    chain = _processors(model, temperature, top_k, top_p, repetition_penalty)
    stop = torch.tensor([] if eos_token_id is None else eos_token_id, dtype=torch.long,
                        device=input_ids.device).flatten()
    ids = input_ids
    out = model(input_ids, use_cache=True)
    for _ in range(max_new_tokens):
        scores = chain(ids, out.logits[:, -1, :].to(torch.float32))
        token = sample_next(scores)
        ids = torch.cat([ids, token], dim=1)
        if torch.isin(token, stop).any() or ids.shape[1] - input_ids.shape[1] == max_new_tokens:
            break
        out = model(token, cache=out.cache, use_cache=True)
    return ids[:, input_ids.shape[1]:]
