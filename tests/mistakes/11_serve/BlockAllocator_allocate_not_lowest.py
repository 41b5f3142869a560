"""allocate() hands out blocks from a queue of free blocks: first freed, first reused, not the lowest."""
# ruff: noqa: F821  (the reference's names arrive through globals() below)

from kata.plugin.adapters import reference_functions

globals().update(reference_functions("11_serve"))

CAUGHT_BY = 'returns the LOWEST free block'


class BlockAllocator(BlockAllocator):
    def __init__(self, num_blocks, block_size):
        super().__init__(num_blocks, block_size)
        self.queue = list(range(num_blocks))

    def allocate(self):
        if not self.queue:
            raise OutOfBlocks("no free block")
        block = self.queue.pop(0)
        self.owners[block] = 1
        return block

    def free(self, block):
        super().free(block)
        if self.owners[block] == 0:
            self.queue.append(block)
