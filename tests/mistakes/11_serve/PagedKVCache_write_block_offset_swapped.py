"""write() takes the block from slot % block_size and the offset from slot // block_size."""
# ruff: noqa: F821  (the reference's names arrive through globals() below)

from kata.plugin.adapters import reference_functions

globals().update(reference_functions("11_serve"))

CAUGHT_BY = 'yours look swapped'


class PagedKVCache(PagedKVCache):
    def write(self, layer, slots, k, v):
        self.k[layer][slots % self.block_size, slots // self.block_size] = k
        self.v[layer][slots % self.block_size, slots // self.block_size] = v
