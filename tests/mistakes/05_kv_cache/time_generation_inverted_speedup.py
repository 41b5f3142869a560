"""time_generation() divides the other way round: cached_s / uncached_s."""
import time

import torch

from kata.plugin.adapters import reference_functions

globals().update(reference_functions("05_kv_cache"))

CAUGHT_BY = "upside down"


@torch.no_grad()
def time_generation(model, input_ids, max_new_tokens):
    generate_cached(model, input_ids, max_new_tokens)
    generate_uncached(model, input_ids, max_new_tokens)
    start = time.perf_counter()
    generate_cached(model, input_ids, max_new_tokens)
    cached_s = time.perf_counter() - start
    start = time.perf_counter()
    generate_uncached(model, input_ids, max_new_tokens)
    uncached_s = time.perf_counter() - start
    return {"cached_s": cached_s, "uncached_s": uncached_s, "speedup": cached_s / uncached_s}
