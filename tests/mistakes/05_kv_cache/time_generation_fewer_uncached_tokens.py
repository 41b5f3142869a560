"""time_generation() times fewer tokens for the slow uncached loop "to save time"."""
import time

import torch

from kata.plugin.adapters import reference_functions

globals().update(reference_functions("05_kv_cache"))

CAUGHT_BY = "time the same work"


@torch.no_grad()
def time_generation(model, input_ids, max_new_tokens):
    short = max(1, max_new_tokens // 2)
    generate_cached(model, input_ids, max_new_tokens)
    generate_uncached(model, input_ids, short)
    start = time.perf_counter()
    generate_cached(model, input_ids, max_new_tokens)
    cached_s = time.perf_counter() - start
    start = time.perf_counter()
    generate_uncached(model, input_ids, short)
    uncached_s = time.perf_counter() - start
    return {"cached_s": cached_s, "uncached_s": uncached_s, "speedup": uncached_s / cached_s}
