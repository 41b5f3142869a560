"""generate_cached() honours only the first id of a list of eos ids (Qwen2.5 has two: [151645, 151643])."""
import torch

from kata.plugin.adapters import reference_functions

globals().update(reference_functions("05_kv_cache"))

CAUGHT_BY = "is not the first of them"


@torch.no_grad()
def generate_cached(model, input_ids, max_new_tokens, eos_token_id=None):
    eos = eos_token_id[0] if isinstance(eos_token_id, (list, tuple)) else eos_token_id
    logits, cache = prefill(model, input_ids)
    new = []
    for step in range(max_new_tokens):
        next_ids = logits.argmax(dim=-1, keepdim=True)
        new.append(next_ids)
        if int(next_ids) == eos or step + 1 == max_new_tokens:
            break
        logits, cache = decode_step(model, next_ids, cache)
    return torch.cat(new, dim=1)
