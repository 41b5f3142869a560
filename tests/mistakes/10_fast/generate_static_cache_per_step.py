"""generate_static() allocates a fresh cache every step and feeds the whole sequence again: static shapes per call, but no cache kept (and a new graph per length)."""
# ruff: noqa: F821  (the reference's functions arrive through globals() below)

from kata.plugin.adapters import reference_functions

globals().update(reference_functions("10_fast"))

CAUGHT_BY = "allocate the cache before the prefill"


def generate_static(model, input_ids, max_new_tokens, eos_token_id=None, step=None):
    step = forward_static if step is None else step
    eos, ids = _eos_set(eos_token_id), input_ids
    with torch.no_grad():
        for _ in range(max_new_tokens):
            cache = StaticKVCache(model.config, 1, input_ids.shape[1] + max_new_tokens, model.dtype, ids.device)
            logits = step(model, cache, ids, torch.arange(ids.shape[1], device=ids.device))
            ids = torch.cat([ids, logits[:, -1].argmax(-1, keepdim=True)], dim=1)
            if int(ids[0, -1]) in eos:
                break
    return ids[:, input_ids.shape[1]:]
