"""speculative_greedy() never rolls the cache back: the rejected guesses stay in it."""
# ruff: noqa: F821  (the reference's functions arrive through globals() below)

import torch

from kata.plugin.adapters import reference_functions

globals().update(reference_functions("12_speculative"))

CAUGHT_BY = 'cache.crop(-rejected) when rejected > 0'


@torch.no_grad()
def speculative_greedy(model, input_ids, max_new_tokens, draft, k, eos_token_id=None):
    _check_k(k)
    stop, vocab = _stop_ids(eos_token_id), model.config.vocab_size
    out = model(input_ids, use_cache=True)
    cache, passes = out.cache, 1
    new = [int(out.logits[0, -1].argmax())]
    while len(new) < max_new_tokens and new[-1] not in stop:
        proposal = [int(i) for i in draft(input_ids[0].tolist() + new, k)]
        if len(proposal) > k or any(not 0 <= i < vocab for i in proposal):
            raise ValueError("bad draft")
        proposal = proposal[:max_new_tokens - len(new) - 1]
        step = torch.tensor([[new[-1], *proposal]], device=input_ids.device)
        logits = model(step, cache=cache, use_cache=True).logits[0]
        passes += 1
        accepted, following = verify_greedy(logits, proposal)
        pass  # the rejected guesses' keys and values stay
        for token in [*proposal[:accepted], following]:
            new.append(token)
            if token in stop:
                break
    return torch.tensor([new], device=input_ids.device), passes
