"""gather() returns every token of the blocks it touches, the unfilled end of the last block too."""
# ruff: noqa: F821  (the reference's names arrive through globals() below)

from kata.plugin.adapters import reference_functions

globals().update(reference_functions("11_serve"))

CAUGHT_BY = 'keep only the first `length` tokens'


class PagedKVCache(PagedKVCache):
    def gather(self, layer, block_table, length):
        used = block_table[:math.ceil(length / self.block_size)]
        k = self.k[layer][used].flatten(0, 1).transpose(0, 1)
        v = self.v[layer][used].flatten(0, 1).transpose(0, 1)
        return k, v
