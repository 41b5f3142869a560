"""generate_uncached() honours only the first id of a list of eos ids (Qwen2.5 has two: [151645, 151643])."""
import torch

from kata.plugin.adapters import reference_functions

globals().update(reference_functions("05_kv_cache"))

CAUGHT_BY = "is not the first of them"


@torch.no_grad()
def generate_uncached(model, input_ids, max_new_tokens, eos_token_id=None):
    eos = eos_token_id[0] if isinstance(eos_token_id, (list, tuple)) else eos_token_id
    ids = input_ids
    for _ in range(max_new_tokens):
        next_ids = model(ids, use_cache=False).logits[:, -1].argmax(dim=-1, keepdim=True)
        ids = torch.cat([ids, next_ids], dim=1)
        if int(next_ids) == eos:
            break
    return ids[:, input_ids.shape[1]:]
