"""Reference solution for 12_speculative: several tokens per target pass, the same answers."""

import torch


def _check_k(k) -> None:
    if not isinstance(k, int) or k < 1:
        raise ValueError(f"k must be an int >= 1 (the most tokens a draft proposes), got {k!r}")


def _stop_ids(eos_token_id) -> set[int]:
    if eos_token_id is None:
        return set()
    if isinstance(eos_token_id, int):
        return {eos_token_id}
    return {int(e) for e in eos_token_id}


def lookup_draft(ids: list[int], ngram: int, k: int) -> list[int]:
    """Prompt lookup: what followed the most recent earlier occurrence of the last n-gram."""
    _check_k(k)
    if ngram < 1:
        raise ValueError(f"ngram must be >= 1, got {ngram!r}")
    for n in range(min(ngram, len(ids) - 1), 0, -1):
        tail = ids[-n:]
        # Start at len(ids) - n - 1: the occurrence at len(ids) - n is the tail itself.
        for start in range(len(ids) - n - 1, -1, -1):
            if ids[start:start + n] == tail:
                return ids[start + n:start + n + k]
    return []


def verify_greedy(logits, draft: list[int]) -> tuple[int, int]:
    """(accepted, next): the draft's longest prefix the target's argmax agrees with, then the target's own token."""
    if logits.dim() != 2 or logits.shape[0] != len(draft) + 1:
        raise ValueError(f"logits must be [len(draft) + 1, vocab] = [{len(draft) + 1}, vocab], got {list(logits.shape)}")
    best = logits.argmax(-1).tolist()
    accepted = 0
    while accepted < len(draft) and draft[accepted] == best[accepted]:
        accepted += 1
    return accepted, best[accepted]


@torch.no_grad()
def speculative_greedy(model, input_ids, max_new_tokens: int, draft, k: int, eos_token_id=None):
    """Greedy decoding that checks a draft's guesses in one target pass per round. Returns (new ids [1, n], passes)."""
    _check_k(k)
    stop, vocab = _stop_ids(eos_token_id), model.config.vocab_size
    out = model(input_ids, use_cache=True)
    cache, passes = out.cache, 1
    new = [int(out.logits[0, -1].argmax())]
    while len(new) < max_new_tokens and new[-1] not in stop:
        proposal = [int(i) for i in draft(input_ids[0].tolist() + new, k)]
        if len(proposal) > k or any(not 0 <= i < vocab for i in proposal):
            raise ValueError(f"the draft must return at most k={k} ids in [0, {vocab}), got {proposal}")
        proposal = proposal[:max_new_tokens - len(new) - 1]  # a round adds at most len(proposal) + 1 tokens
        step = torch.tensor([[new[-1], *proposal]], device=input_ids.device)
        logits = model(step, cache=cache, use_cache=True).logits[0]
        passes += 1
        accepted, following = verify_greedy(logits, proposal)
        rejected = len(proposal) - accepted
        if rejected:  # the cache holds keys/values of the rejected guesses: drop them
            cache.crop(-rejected)
        for token in [*proposal[:accepted], following]:
            new.append(token)
            if token in stop:
                break
    return torch.tensor([new], device=input_ids.device), passes


def accept_or_resample(p, q, token: int, generator) -> tuple[bool, int]:
    """Keep the draft's `token` with probability min(1, p/q); else draw from max(0, p - q), normalised."""
    for name, dist in (("p", p), ("q", q)):
        if dist.dim() != 1 or dist.shape != p.shape or abs(dist.sum().item() - 1) > 1e-3 or (dist < 0).any():
            raise ValueError(f"{name} must be a probability vector [vocab] like p (non-negative, sum 1)")
    if not 0 <= token < p.shape[0]:
        raise ValueError(f"token {token} is outside the vocabulary [0, {p.shape[0]})")
    u = torch.rand((), generator=generator, device=p.device)
    if u < p[token] / q[token]:
        return True, int(token)
    residual = (p - q).clamp(min=0)
    return False, int(torch.multinomial(residual / residual.sum(), 1, generator=generator))


def _scores(model, cache, ids, device):
    """Logits [new positions, vocab] of the ids the cache does not hold yet, and the cache holding all of ids."""
    seen = cache.get_seq_length() if cache is not None else 0
    out = model(torch.tensor([ids[seen:]], device=device), cache=cache, use_cache=True)
    return out.logits[0].float(), out.cache


def _keep(cache, length) -> None:
    """Crop the cache to at most `length` positions."""
    extra = cache.get_seq_length() - length
    if extra > 0:
        cache.crop(-extra)


@torch.no_grad()
def speculative_sample(target, draft_model, input_ids, max_new_tokens: int, k: int, generator,
                       temperature: float = 1.0):
    """Sampling from the target's distribution with a draft model's k guesses per round. Returns [1, n] new ids."""
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
        ps = torch.softmax(logits[-k - 1:] / temperature, -1)  # the rows that score each guess, then one more
        for i, guess in enumerate(guesses):
            accepted, token = accept_or_resample(ps[i], qs[i], guess, generator)
            ids.append(token)
            if not accepted:
                break
        else:  # every guess kept: the last row gives one more token for free
            ids.append(int(torch.multinomial(ps[k], 1, generator=generator)))
        # Both caches may hold rejected guesses; the last token is fed next round.
        _keep(target_cache, len(ids) - 1)
        _keep(draft_cache, len(ids) - 1)
    return torch.tensor([ids[start:start + max_new_tokens]], device=device)
