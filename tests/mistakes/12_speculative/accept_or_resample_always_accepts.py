"""accept_or_resample() keeps every drafted token."""
# ruff: noqa: F821  (the reference's functions arrive through globals() below)

from kata.plugin.adapters import reference_functions

globals().update(reference_functions("12_speculative"))

CAUGHT_BY = 'every draft token is kept'


def accept_or_resample(p, q, token, generator):
    if abs(p.sum().item() - 1) > 1e-3 or abs(q.sum().item() - 1) > 1e-3:
        raise ValueError("p and q must sum to 1")
    return True, int(token)
