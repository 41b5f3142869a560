"""paged_attention() adds the current token to lengths[i], which already counts it."""
# ruff: noqa: F821  (the reference's names arrive through globals() below)

from kata.plugin.adapters import reference_functions

globals().update(reference_functions("11_serve"))

CAUGHT_BY = 'one token too many'


def paged_attention(q, cache, layer, block_tables, lengths):
    return reference_functions("11_serve")["paged_attention"](q, cache, layer, block_tables, [n + 1 for n in lengths])
