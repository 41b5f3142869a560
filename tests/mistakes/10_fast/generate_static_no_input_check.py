"""generate_static() starts decoding whatever it is given: a batch of two runs into a cache for one."""
# ruff: noqa: F821  (the reference's functions arrive through globals() below)

from kata.plugin.adapters import reference_functions

globals().update(reference_functions("10_fast"))

CAUGHT_BY = "before allocating the cache"


def generate_static(model, input_ids, max_new_tokens, eos_token_id=None, step=None):
    step = forward_static if step is None else step
    T, eos = input_ids.shape[1], _eos_set(eos_token_id)
    cache = StaticKVCache(model.config, 1, T + max_new_tokens, model.dtype, input_ids.device)
    with torch.no_grad():
        token = step(model, cache, input_ids, torch.arange(T, device=input_ids.device))[:, -1].argmax(-1, keepdim=True)
        new, position = [token], torch.tensor([T], device=input_ids.device)
        while len(new) < max_new_tokens and int(token) not in eos:
            token = step(model, cache, token, position)[:, -1].argmax(-1, keepdim=True)
            new.append(token)
            position = position + 1
    return torch.cat(new, dim=1)
