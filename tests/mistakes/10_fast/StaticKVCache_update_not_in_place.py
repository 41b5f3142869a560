"""update() writes with the out-of-place index_copy and stores the result: a new tensor every call."""
# ruff: noqa: F821  (the reference's functions arrive through globals() below)

from kata.plugin.adapters import reference_functions

globals().update(reference_functions("10_fast"))


CAUGHT_BY = "write into the buffer in place"


class StaticKVCache(StaticKVCache):
    def update(self, layer, positions, k, v):
        self.k[layer] = self.k[layer].index_copy(2, positions, k)
        self.v[layer] = self.v[layer].index_copy(2, positions, v)
        return self.k[layer], self.v[layer]
