"""When a running request needs a block and none is free, OutOfBlocks escapes: nobody is preempted."""
# ruff: noqa: F821  (the reference's names arrive through globals() below)

from kata.plugin.adapters import reference_functions

globals().update(reference_functions("11_serve"))

CAUGHT_BY = 'OutOfBlocks escaped step()'


class Engine(Engine):
    def _grow(self, request):
        while math.ceil(len(request.tokens) / self.block_size) > len(request.blocks):
            request.blocks.append(self.allocator.allocate())
        return True
