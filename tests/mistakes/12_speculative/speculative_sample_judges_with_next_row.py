"""speculative_sample() judges guess i with the target's row i + 1 (the row after the guess)."""
# ruff: noqa: F821  (the reference's functions arrive through globals() below)

import torch

from kata.plugin.adapters import reference_functions

globals().update(reference_functions("12_speculative"))

CAUGHT_BY = 'the rows of the SAME position'


@torch.no_grad()
def speculative_sample(target, draft_model, input_ids, max_new_tokens, k, generator, temperature=1.0):
    _check_k(k)
    device, ids, start = input_ids.device, input_ids[0].tolist(), input_ids.shape[1]
    target_cache = draft_cache = None
    while len(ids) - start < max_new_tokens:
        guesses, qs = [], []
        for _ in range(k):
            logits, draft_cache = _scores(draft_model, draft_cache, ids + guesses, device)
            q = torch.softmax(logits[-1] / temperature, -1)
            guesses.append(int(torch.multinomial(q, 1, generator=generator)))
            qs.append(q)
        logits, target_cache = _scores(target, target_cache, ids + guesses, device)
        ps = torch.softmax(logits[-k - 1:] / temperature, -1)
        for i, guess in enumerate(guesses):
            accepted, token = accept_or_resample(ps[i + 1], qs[i], guess, generator)
            ids.append(token)
            if not accepted:
                break
        else:
            ids.append(int(torch.multinomial(ps[k], 1, generator=generator)))
        _keep(target_cache, len(ids) - 1)
        _keep(draft_cache, len(ids) - 1)
    return torch.tensor([ids[start:start + max_new_tokens]], device=device)
