"""When the pool runs out, the OLDEST running request is preempted instead of the most recently admitted."""
# ruff: noqa: F821  (the reference's names arrive through globals() below)

from kata.plugin.adapters import reference_functions

globals().update(reference_functions("11_serve"))

CAUGHT_BY = 'not the oldest'


class Engine(Engine):
    def _grow(self, request):
        while math.ceil(len(request.tokens) / self.block_size) > len(request.blocks):
            try:
                request.blocks.append(self.allocator.allocate())
            except OutOfBlocks:
                victim = self.running[0]
                self._preempt(victim)
                if victim is request:
                    return False
        return True
