"""lookup_draft() searches from the very end and finds the last n-gram itself (nothing follows it)."""
# ruff: noqa: F821  (the reference's functions arrive through globals() below)

from kata.plugin.adapters import reference_functions

globals().update(reference_functions("12_speculative"))

CAUGHT_BY = 'matched the last n-gram with itself'


def lookup_draft(ids, ngram, k):
    for n in range(min(ngram, len(ids)), 0, -1):
        for start in range(len(ids) - n, -1, -1):
            if ids[start:start + n] == ids[-n:]:
                return ids[start + n:start + n + k]
    return []
