"""verify_greedy() returns the argmax of the last accepted row, not the bonus row, when all are accepted."""
# ruff: noqa: F821  (the reference's functions arrive through globals() below)

from kata.plugin.adapters import reference_functions

globals().update(reference_functions("12_speculative"))

CAUGHT_BY = 'the bonus token'


def verify_greedy(logits, draft):
    best = logits.argmax(-1).tolist()
    accepted = 0
    while accepted < len(draft) and draft[accepted] == best[accepted]:
        accepted += 1
    if accepted == len(draft) and draft:
        return accepted, best[accepted - 1]
    return accepted, best[accepted]
