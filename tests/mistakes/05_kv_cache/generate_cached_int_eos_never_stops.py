"""generate_cached() stops only for a list of eos ids: a single int eos id is never looked at."""
import torch

from kata.plugin.adapters import reference_functions

globals().update(reference_functions("05_kv_cache"))

CAUGHT_BY = "kept going after the eos token"


@torch.no_grad()
def generate_cached(model, input_ids, max_new_tokens, eos_token_id=None):
    eos = set(eos_token_id) if isinstance(eos_token_id, (list, tuple)) else set()
    logits, cache = prefill(model, input_ids)
    new = []
    for step in range(max_new_tokens):
        next_ids = logits.argmax(dim=-1, keepdim=True)
        new.append(next_ids)
        if int(next_ids) in eos or step + 1 == max_new_tokens:
            break
        logits, cache = decode_step(model, next_ids, cache)
    return torch.cat(new, dim=1)
