"""time_generation() runs its own loops without torch.no_grad()."""
import time

import torch

from kata.plugin.adapters import reference_functions

globals().update(reference_functions("05_kv_cache"))

CAUGHT_BY = "gradients enabled"


def time_generation(model, input_ids, max_new_tokens):
    def cached():
        out = model(input_ids, use_cache=True)
        for _ in range(max_new_tokens - 1):
            out = model(out.logits[:, -1:].argmax(-1), cache=out.cache, use_cache=True)

    def uncached():
        ids = input_ids
        for _ in range(max_new_tokens):
            ids = torch.cat([ids, model(ids).logits[:, -1:].argmax(-1)], dim=1)

    cached(), uncached()  # warm-up
    start = time.perf_counter()
    cached()
    cached_s = time.perf_counter() - start
    start = time.perf_counter()
    uncached()
    uncached_s = time.perf_counter() - start
    return {"cached_s": cached_s, "uncached_s": uncached_s, "speedup": uncached_s / cached_s}
