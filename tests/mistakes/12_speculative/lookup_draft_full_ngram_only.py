"""lookup_draft() tries only the full n-gram, never the shorter ones."""
# ruff: noqa: F821  (the reference's functions arrive through globals() below)

from kata.plugin.adapters import reference_functions

globals().update(reference_functions("12_speculative"))

CAUGHT_BY = 'try shorter ones'


def lookup_draft(ids, ngram, k):
    tail = ids[-ngram:]
    for start in range(len(ids) - ngram - 1, -1, -1):
        if ids[start:start + ngram] == tail:
            return ids[start + ngram:start + ngram + k]
    return []
