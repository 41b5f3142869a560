"""A "cached" loop that still runs the whole sequence every step: right tokens, no saving."""
import torch

from kata.plugin.adapters import reference_functions

globals().update(reference_functions("05_kv_cache"))

CAUGHT_BY = "recomputes the prefix"


@torch.no_grad()
def generate_cached(model, input_ids, max_new_tokens, eos_token_id=None):
    eos = _eos_ids(eos_token_id)
    ids = input_ids
    for _ in range(max_new_tokens):
        out = model(ids, use_cache=True)
        next_ids = out.logits[:, -1].argmax(-1, keepdim=True)
        ids = torch.cat([ids, next_ids], dim=1)
        if int(next_ids) in eos:
            break
    return ids[:, input_ids.shape[1]:]
