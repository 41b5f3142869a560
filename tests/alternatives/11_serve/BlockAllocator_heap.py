"""A correct BlockAllocator written another way: a heap of free blocks (the lowest on top) and a dict of
owner counts for the blocks in use."""
# ruff: noqa: F821  (the reference's names arrive through globals() below)

import heapq

from kata.plugin.adapters import reference_functions

globals().update(reference_functions("11_serve"))


class BlockAllocator:
    def __init__(self, num_blocks, block_size):
        self.block_size, self.free_blocks, self.owners = block_size, list(range(num_blocks)), {}

    def allocate(self):
        if not self.free_blocks:
            raise OutOfBlocks("the pool is full")
        block = heapq.heappop(self.free_blocks)
        self.owners[block] = 1
        return block

    def fork(self, block):
        if block not in self.owners:
            raise ValueError(f"block {block} is free")
        self.owners[block] += 1
        return block

    def free(self, block):
        if block not in self.owners:
            raise ValueError(f"block {block} is already free")
        self.owners[block] -= 1
        if self.owners[block] == 0:
            del self.owners[block]
            heapq.heappush(self.free_blocks, block)

    def refcount(self, block):
        return self.owners.get(block, 0)

    @property
    def num_free(self):
        return len(self.free_blocks)
