"""accept_or_resample() keeps the token when u < q/p instead of p/q."""
# ruff: noqa: F821  (the reference's functions arrive through globals() below)

import torch

from kata.plugin.adapters import reference_functions

globals().update(reference_functions("12_speculative"))

CAUGHT_BY = 'Compare u with p[token] / q[token], in that order'


def accept_or_resample(p, q, token, generator):
    if abs(p.sum().item() - 1) > 1e-3 or abs(q.sum().item() - 1) > 1e-3:
        raise ValueError("p and q must sum to 1")
    if torch.rand((), generator=generator) < q[token] / p[token]:
        return True, int(token)
    residual = (p - q).clamp(min=0)
    return False, int(torch.multinomial(residual / residual.sum(), 1, generator=generator))
