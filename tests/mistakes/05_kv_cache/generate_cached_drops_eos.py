"""generate_cached() stops at eos but leaves the eos token out of the result."""
import torch

from kata.plugin.adapters import reference_functions

globals().update(reference_functions("05_kv_cache"))

CAUGHT_BY = "was dropped"


@torch.no_grad()
def generate_cached(model, input_ids, max_new_tokens, eos_token_id=None):
    eos = _eos_ids(eos_token_id)
    logits, cache = prefill(model, input_ids)
    new = []
    for step in range(max_new_tokens):
        next_ids = logits.argmax(dim=-1, keepdim=True)
        if int(next_ids) in eos:
            break
        new.append(next_ids)
        if step + 1 < max_new_tokens:
            logits, cache = decode_step(model, next_ids, cache)
    return torch.cat(new, dim=1)
