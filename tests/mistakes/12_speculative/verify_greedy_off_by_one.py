"""verify_greedy() compares draft[i] with the argmax of the row after it."""
# ruff: noqa: F821  (the reference's functions arrive through globals() below)

from kata.plugin.adapters import reference_functions

globals().update(reference_functions("12_speculative"))

CAUGHT_BY = 'not of row i + 1'


def verify_greedy(logits, draft):
    best = logits.argmax(-1).tolist()
    accepted = 0
    while accepted < len(draft) and draft[accepted] == best[accepted + 1]:
        accepted += 1
    return accepted, best[accepted]
