"""lookup_draft() follows the first occurrence of the n-gram instead of the most recent one."""
# ruff: noqa: F821  (the reference's functions arrive through globals() below)

from kata.plugin.adapters import reference_functions

globals().update(reference_functions("12_speculative"))

CAUGHT_BY = 'FIRST occurrence'


def lookup_draft(ids, ngram, k):
    for n in range(min(ngram, len(ids) - 1), 0, -1):
        for start in range(0, len(ids) - n):
            if ids[start:start + n] == ids[-n:]:
                return ids[start + n:start + n + k]
    return []
