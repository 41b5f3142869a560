"""generate_uncached() returns the whole sequence, prompt included."""
import torch

from kata.plugin.adapters import reference_functions

globals().update(reference_functions("05_kv_cache"))

CAUGHT_BY = "the prompt came back too"


@torch.no_grad()
def generate_uncached(model, input_ids, max_new_tokens, eos_token_id=None):
    eos = _eos_ids(eos_token_id)
    ids = input_ids
    for _ in range(max_new_tokens):
        next_ids = model(ids).logits[:, -1].argmax(dim=-1, keepdim=True)
        ids = torch.cat([ids, next_ids], dim=1)
        if int(next_ids) in eos:
            break
    return ids
