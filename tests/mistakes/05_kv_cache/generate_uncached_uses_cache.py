"""generate_uncached() reuses the cached loop: right tokens, but it is not the baseline any more."""
from kata.plugin.adapters import reference_functions

globals().update(reference_functions("05_kv_cache"))

CAUGHT_BY = "this one must recompute"


def generate_uncached(model, input_ids, max_new_tokens, eos_token_id=None):
    return generate_cached(model, input_ids, max_new_tokens, eos_token_id)
