"""fork() returns the block without counting the new owner."""
# ruff: noqa: F821  (the reference's names arrive through globals() below)

from kata.plugin.adapters import reference_functions

globals().update(reference_functions("11_serve"))

CAUGHT_BY = 'fork(block) adds one owner'


class BlockAllocator(BlockAllocator):
    def fork(self, block):
        if self.owners[block] == 0:
            raise ValueError(f"block {block} is free")
        return block
