"""Admission ignores max_batch: every waiting request whose blocks fit joins the batch."""
# ruff: noqa: F821  (the reference's names arrive through globals() below)

from kata.plugin.adapters import reference_functions

globals().update(reference_functions("11_serve"))

CAUGHT_BY = 'at most max_batch'


class Engine(Engine):
    def _admit(self, made):
        while self.waiting:
            request = self.waiting[0]
            need = math.ceil(len(request.tokens) / self.block_size)
            if need > self.allocator.num_free:
                break
            self.waiting.pop(0)
            request.blocks = [self.allocator.allocate() for _ in range(need)]
            self.running.append(request)
            self._prefill([request], made)
