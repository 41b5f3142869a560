"""Admission reserves the blocks of a request's maximum length (prompt + max_new_tokens) up front."""
# ruff: noqa: F821  (the reference's names arrive through globals() below)

from kata.plugin.adapters import reference_functions

globals().update(reference_functions("11_serve"))

CAUGHT_BY = 'blocks are reserved ahead'


class Engine(Engine):
    def _admit(self, made):
        while self.waiting and len(self.running) < self.max_batch:
            request = self.waiting[0]
            need = math.ceil((len(request.prompt) + request.max_new_tokens) / self.block_size)
            if need > self.allocator.num_free:
                break
            self.waiting.pop(0)
            request.blocks = [self.allocator.allocate() for _ in range(need)]
            self.running.append(request)
            self._prefill([request], made)
