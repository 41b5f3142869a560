"""free() of a block that is already free does nothing instead of raising ValueError."""
# ruff: noqa: F821  (the reference's names arrive through globals() below)

from kata.plugin.adapters import reference_functions

globals().update(reference_functions("11_serve"))

CAUGHT_BY = 'double free'


class BlockAllocator(BlockAllocator):
    def free(self, block):
        if self.owners[block] > 0:
            self.owners[block] -= 1
