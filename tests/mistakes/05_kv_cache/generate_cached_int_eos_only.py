"""generate_cached() compares the new id with eos_token_id by ==, so a list of eos ids never matches."""
import torch

from kata.plugin.adapters import reference_functions

globals().update(reference_functions("05_kv_cache"))

CAUGHT_BY = "stop at any of its ids"


@torch.no_grad()
def generate_cached(model, input_ids, max_new_tokens, eos_token_id=None):
    logits, cache = prefill(model, input_ids)
    new = []
    for step in range(max_new_tokens):
        next_ids = logits.argmax(dim=-1, keepdim=True)
        new.append(next_ids)
        if int(next_ids) == eos_token_id or step + 1 == max_new_tokens:
            break
        logits, cache = decode_step(model, next_ids, cache)
    return torch.cat(new, dim=1)
