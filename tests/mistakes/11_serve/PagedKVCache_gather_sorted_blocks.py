"""gather() reads the blocks in increasing number instead of in the block table's order."""
# ruff: noqa: F821  (the reference's names arrive through globals() below)

from kata.plugin.adapters import reference_functions

globals().update(reference_functions("11_serve"))

CAUGHT_BY = 'follow the table in its order'


class PagedKVCache(PagedKVCache):
    def gather(self, layer, block_table, length):
        return super().gather(layer, sorted(block_table), length)
