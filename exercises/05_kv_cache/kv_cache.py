"""Exercise 05_kv_cache: a cached decoding loop, and what it saves.

Lesson: exercises/05_kv_cache/README.md (中文: README.zh.md)
Check:  pytest exercises/05_kv_cache     (or: kata check 05)
Hints:  kata hint 05

Each function gets everything it needs as arguments; do not load a model here.
Run the model inside `torch.no_grad()` (or decorate the function with `@torch.no_grad()`).
"""

import time

import torch


def prefill(model, input_ids):
    """Run the whole prompt through the model once, keeping its keys and values.

    input_ids: [batch, T] token ids, on the model's device.
    Returns (logits, cache):
      logits: the scores of the LAST position only, shape [batch, vocab_size]
              (what the next token is chosen from);
      cache:  the transformers `Cache` (a `DynamicCache`) the model filled, holding T positions
              (`cache.get_seq_length() == T`).
    """
    raise NotImplementedError("05_kv_cache: implement prefill() — see exercises/05_kv_cache/README.md, step 1")


def decode_step(model, token_ids, cache):
    """One decoding step: feed only the new token of each sequence and extend `cache` by it.

    token_ids: [batch, 1], the token(s) just chosen.
    cache:     the cache from `prefill` (or from the previous `decode_step`), holding every earlier position.
    Returns (logits, cache):
      logits: the scores for the token after `token_ids`, shape [batch, vocab_size];
      cache:  the same cache, now one position longer.
    Exactly one position per sequence goes through the model.
    """
    raise NotImplementedError("05_kv_cache: implement decode_step() — see exercises/05_kv_cache/README.md, step 2")


def generate_cached(model, input_ids, max_new_tokens: int, eos_token_id=None):
    """Greedy generation with the KV cache.

    input_ids:      [1, T] prompt ids.
    max_new_tokens: the most new tokens to produce.
    eos_token_id:   None (never stop early), one id, or a list of ids: stop right after
                    producing any of them; that eos token is included in the result.
    Returns the NEW ids only, shape [1, n], n <= max_new_tokens: token for token what
    `model.generate(input_ids, do_sample=False, repetition_penalty=1.0, max_new_tokens=...,
    eos_token_id=...)` adds after the prompt.

    Cost: one prefill of the T prompt positions, then exactly one position per further token.
    The last token is returned, not fed back (nothing would use its logits), so n new tokens
    cost T + (n - 1) positions in all, as in `model.generate`.
    """
    raise NotImplementedError("05_kv_cache: implement generate_cached() — see exercises/05_kv_cache/README.md, step 3")


def generate_uncached(model, input_ids, max_new_tokens: int, eos_token_id=None):
    """The same greedy tokens as `generate_cached`, without any cache.

    Every step runs the WHOLE sequence so far (prompt + the tokens generated so far) through the
    model and keeps only the last position's scores: T + (T+1) + ... + (T+n-1) positions for n
    new tokens. Same arguments, same result ([1, n] new ids, eos handling) as `generate_cached`.
    """
    raise NotImplementedError("05_kv_cache: implement generate_uncached() — see exercises/05_kv_cache/README.md, step 4")


def time_generation(model, input_ids, max_new_tokens: int) -> dict[str, float]:
    """Time greedy generation of `max_new_tokens` tokens with and without the cache.

    Returns {"cached_s": seconds, "uncached_s": seconds, "speedup": uncached_s / cached_s}.
    Do it properly: under `torch.no_grad()`, run each loop once untimed first (warm-up), then
    time each on the same `input_ids` and the same number of new tokens (`time.perf_counter()`).
    """
    raise NotImplementedError("05_kv_cache: implement time_generation() — see exercises/05_kv_cache/README.md, step 5")
