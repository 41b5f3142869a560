"""A correct version written another way: lookup with tensor windows (unfold), verification with a
cumulative product of matches, the uniform drawn as a [1] tensor and the residual built with
torch.where, and speculative sampling without any cache (each pass reruns the whole sequence)."""
# ruff: noqa: F821  (the reference's functions arrive through globals() below)

import torch

from kata.plugin.adapters import reference_functions

globals().update(reference_functions("12_speculative"))


def lookup_draft(ids, ngram, k):
    if k < 1:
        raise ValueError("k must be >= 1")
    seq = torch.tensor(ids)
    for n in range(min(ngram, len(ids) - 1), 0, -1):
        windows = seq[:-1].unfold(0, n, 1)  # every n-gram that has at least one id after it
        hits = (windows == seq[-n:]).all(-1).nonzero()
        if len(hits):
            start = int(hits[-1]) + n
            return ids[start:start + k]
    return []


def verify_greedy(logits, draft):
    best = logits.argmax(-1)
    if not draft:
        return 0, int(best[0])
    agree = (best[:-1] == torch.tensor(draft, device=logits.device)).long().cumprod(0)
    accepted = int(agree.sum())
    return accepted, int(best[accepted])


def accept_or_resample(p, q, token, generator):
    if not (torch.isclose(p.sum(), torch.tensor(1.0)) and torch.isclose(q.sum(), torch.tensor(1.0))):
        raise ValueError("p and q must each sum to 1")
    u = torch.rand(1, generator=generator, device=p.device)
    if (u * q[token] < p[token]).item():
        return True, token
    residual = torch.where(p > q, p - q, torch.zeros_like(p))
    return False, torch.multinomial(residual, 1, generator=generator).item()  # multinomial normalises itself


@torch.no_grad()
def speculative_sample(target, draft_model, input_ids, max_new_tokens, k, generator, temperature=1.0):
    if k < 1:
        raise ValueError("k must be >= 1")
    seq = input_ids
    while seq.shape[1] - input_ids.shape[1] < max_new_tokens:
        guesses, qs = seq, []
        for _ in range(k):
            q = torch.softmax(draft_model(guesses).logits[0, -1].float() / temperature, -1)
            guesses = torch.cat([guesses, torch.multinomial(q, 1, generator=generator).view(1, 1)], 1)
            qs.append(q)
        ps = torch.softmax(target(guesses).logits[0, -k - 1:].float() / temperature, -1)
        kept = []
        for i in range(k):
            accepted, token = accept_or_resample(ps[i], qs[i], int(guesses[0, seq.shape[1] + i]), generator)
            kept.append(token)
            if not accepted:
                break
        else:
            kept.append(int(torch.multinomial(ps[k], 1, generator=generator)))
        seq = torch.cat([seq, torch.tensor([kept], device=seq.device)], 1)
    return seq[:, input_ids.shape[1]:input_ids.shape[1] + max_new_tokens]
