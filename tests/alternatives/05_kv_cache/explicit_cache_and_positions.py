"""A correct version that manages the cache and the positions itself.

prefill() hands the model an empty DynamicCache of its own and keeps all positions' logits before
taking the last; decode_step() passes the new token's position (the cache length) explicitly;
generate_cached() checks the stop ids with torch.isin; generate_uncached() keeps a Python list of
ids; time_generation() times model.generate with use_cache=True and use_cache=False.
"""
import time

import torch
from transformers import DynamicCache

from kata.plugin.adapters import reference_functions

globals().update(reference_functions("05_kv_cache"))


@torch.no_grad()
def prefill(model, input_ids):
    cache = DynamicCache(config=model.config)
    logits = model(input_ids, cache=cache, use_cache=True).logits
    return logits[:, -1, :], cache


@torch.no_grad()
def decode_step(model, token_ids, cache):
    position = torch.full_like(token_ids, cache.get_seq_length())
    logits = model(token_ids, cache=cache, position_ids=position, use_cache=True).logits
    return logits[:, -1, :], cache


def _stop_ids(eos_token_id, device):
    if eos_token_id is None:
        return torch.empty(0, dtype=torch.long, device=device)
    return torch.tensor(eos_token_id, device=device).flatten()


@torch.no_grad()
def generate_cached(model, input_ids, max_new_tokens, eos_token_id=None):
    stop = _stop_ids(eos_token_id, input_ids.device)
    logits, cache = prefill(model, input_ids)
    new = torch.empty((1, 0), dtype=input_ids.dtype, device=input_ids.device)
    while new.shape[1] < max_new_tokens:
        token = logits.argmax(dim=-1, keepdim=True)
        new = torch.cat([new, token], dim=1)
        if torch.isin(token, stop).any() or new.shape[1] == max_new_tokens:
            break
        logits, cache = decode_step(model, token, cache)
    return new


@torch.no_grad()
def generate_uncached(model, input_ids, max_new_tokens, eos_token_id=None):
    stop = _stop_ids(eos_token_id, input_ids.device).tolist()
    ids, new = input_ids[0].tolist(), []
    while len(new) < max_new_tokens:
        whole = torch.tensor([ids + new], device=input_ids.device)
        new.append(int(model(whole).logits[0, -1].argmax()))
        if new[-1] in stop:
            break
    return torch.tensor([new], device=input_ids.device)


def time_generation(model, input_ids, max_new_tokens):
    def run(use_cache):
        model.generate(input_ids, attention_mask=torch.ones_like(input_ids), do_sample=False,
                       repetition_penalty=1.0, max_new_tokens=max_new_tokens, min_new_tokens=max_new_tokens,
                       use_cache=use_cache)

    seconds = {}
    with torch.no_grad():
        for use_cache in (True, False):
            run(use_cache)  # warm-up
        for use_cache, key in ((True, "cached_s"), (False, "uncached_s")):
            if input_ids.device.type == "cuda":
                torch.cuda.synchronize()
            start = time.perf_counter()
            run(use_cache)
            if input_ids.device.type == "cuda":
                torch.cuda.synchronize()
            seconds[key] = time.perf_counter() - start
    return {**seconds, "speedup": seconds["uncached_s"] / seconds["cached_s"]}
