"""accept_or_resample() takes scores that do not sum to 1 without a word."""
# ruff: noqa: F821  (the reference's functions arrive through globals() below)

import torch

from kata.plugin.adapters import reference_functions

globals().update(reference_functions("12_speculative"))

CAUGHT_BY = 'a ValueError that says what is wrong'


def accept_or_resample(p, q, token, generator):
    if torch.rand((), generator=generator) < p[token] / q[token]:
        return True, int(token)
    residual = (p - q).clamp(min=0)
    return False, int(torch.multinomial(residual / residual.sum(), 1, generator=generator))
