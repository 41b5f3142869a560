"""The decode step attends before the current token's key and value are in the cache: position tokens, not position + 1."""
# ruff: noqa: F821  (the reference's names arrive through globals() below)

from kata.plugin.adapters import reference_functions

globals().update(reference_functions("11_serve"))

CAUGHT_BY = 'written BEFORE paged_attention'


class Engine(Engine):
    def _decode(self, made):
        for request in list(self.running):
            if request in self.running:
                self._grow(request)
        rows = list(self.running)
        if not rows:
            return
        positions = [len(r.tokens) - 1 for r in rows]
        ids = torch.tensor([[r.out[-1]] for r in rows])
        where = torch.cat([slots(r.blocks, p, 1, self.block_size) for r, p in zip(rows, positions)])

        def attend(layer, q, _k, _v):
            return paged_attention(q[:, :, 0], self.cache, layer, [r.blocks for r in rows], positions).unsqueeze(2)

        logits = self._forward(ids, torch.tensor(positions)[:, None], where, attend)
        for request, row in zip(rows, logits):
            self._emit(request, int(row.argmax()), made)
