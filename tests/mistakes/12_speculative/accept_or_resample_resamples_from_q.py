"""accept_or_resample() draws a rejected token's replacement from q."""
# ruff: noqa: F821  (the reference's functions arrive through globals() below)

import torch

from kata.plugin.adapters import reference_functions

globals().update(reference_functions("12_speculative"))

CAUGHT_BY = 'never from q, never a token p gives nothing'


def accept_or_resample(p, q, token, generator):
    if abs(p.sum().item() - 1) > 1e-3 or abs(q.sum().item() - 1) > 1e-3:
        raise ValueError("p and q must sum to 1")
    if torch.rand((), generator=generator) < p[token] / q[token]:
        return True, int(token)
    return False, int(torch.multinomial(q, 1, generator=generator))
