"""Reference solution for 05_kv_cache: a cached decoding loop, and what it saves."""

import time

import torch


def _eos_ids(eos_token_id) -> set[int]:
    """`None`, one id or a list of ids -> a set of ids (empty: never stop early)."""
    if eos_token_id is None:
        return set()
    if isinstance(eos_token_id, int):
        return {eos_token_id}
    return {int(i) for i in eos_token_id}


@torch.no_grad()
def prefill(model, input_ids):
    """Run the whole prompt once: ([batch, vocab] logits of the last position, the filled cache)."""
    # logits_to_keep=1: the head only needs the last position (generate() does the same).
    out = model(input_ids, use_cache=True, logits_to_keep=1)
    return out.logits[:, -1], out.cache


@torch.no_grad()
def decode_step(model, token_ids, cache):
    """Feed the [batch, 1] new ids; the model reads the earlier positions from `cache` and appends this one."""
    out = model(token_ids, cache=cache, use_cache=True)
    return out.logits[:, -1], out.cache


@torch.no_grad()
def generate_cached(model, input_ids, max_new_tokens: int, eos_token_id=None):
    """Greedy new ids [1, n] with the cache: T positions for the prompt, then one per new token.

    The last token is returned but never fed back: n new tokens cost T + (n - 1) positions.
    """
    eos = _eos_ids(eos_token_id)
    logits, cache = prefill(model, input_ids)
    new = []
    for step in range(max_new_tokens):
        next_ids = logits.argmax(dim=-1, keepdim=True)  # [1, 1]
        new.append(next_ids)
        if step + 1 == max_new_tokens or (eos and int(next_ids) in eos):
            break
        logits, cache = decode_step(model, next_ids, cache)
    return torch.cat(new, dim=1)


@torch.no_grad()
def generate_uncached(model, input_ids, max_new_tokens: int, eos_token_id=None):
    """The same greedy ids, recomputing the whole sequence every step: T + (T+1) + ... + (T+n-1) positions."""
    eos = _eos_ids(eos_token_id)
    ids = input_ids
    for _ in range(max_new_tokens):
        logits = model(ids, use_cache=False, logits_to_keep=1).logits[:, -1]
        next_ids = logits.argmax(dim=-1, keepdim=True)
        ids = torch.cat([ids, next_ids], dim=1)
        if eos and int(next_ids) in eos:
            break
    return ids[:, input_ids.shape[1]:]


def _synchronize(device: torch.device) -> None:
    """GPUs run asynchronously: wait for queued work before reading the clock."""
    if device.type == "cuda":
        torch.cuda.synchronize(device)
    elif device.type == "mps":
        torch.mps.synchronize()


@torch.no_grad()
def time_generation(model, input_ids, max_new_tokens: int) -> dict[str, float]:
    """Seconds for `max_new_tokens` greedy tokens with and without the cache, after a warm-up of each."""

    def seconds(generate) -> float:
        _synchronize(input_ids.device)
        start = time.perf_counter()
        generate(model, input_ids, max_new_tokens)
        _synchronize(input_ids.device)
        return time.perf_counter() - start

    for generate in (generate_cached, generate_uncached):  # warm-up: first runs pay one-off costs
        generate(model, input_ids, max_new_tokens)
    cached_s = seconds(generate_cached)
    uncached_s = seconds(generate_uncached)
    return {"cached_s": cached_s, "uncached_s": uncached_s, "speedup": uncached_s / cached_s}
