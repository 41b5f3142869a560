"""update() writes at a length counter of its own, ignoring the positions it is given."""
# ruff: noqa: F821  (the reference's functions arrive through globals() below)

from kata.plugin.adapters import reference_functions

globals().update(reference_functions("10_fast"))

CAUGHT_BY = "use the positions given, not a counter"


class StaticKVCache(StaticKVCache):
    def update(self, layer, positions, k, v):
        start = getattr(self, "filled", [0] * len(self.k))[layer]
        self.filled = getattr(self, "filled", [0] * len(self.k))
        self.k[layer][:, :, start:start + k.shape[2]] = k
        self.v[layer][:, :, start:start + k.shape[2]] = v
        self.filled[layer] = start + k.shape[2]
        return self.k[layer], self.v[layer]
