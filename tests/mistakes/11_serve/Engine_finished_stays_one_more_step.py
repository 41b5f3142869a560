"""A finished request stays in the batch one more step (its extra token is dropped), then leaves."""
# ruff: noqa: F821  (the reference's names arrive through globals() below)

from kata.plugin.adapters import reference_functions

globals().update(reference_functions("11_serve"))

CAUGHT_BY = 'a request that finished stayed in the batch'


class Engine(Engine):
    def _emit(self, request, token, made):
        if getattr(request, "done", False):
            self._release(request)
            return
        request.out.append(token)
        made.append((request.request_id, token))
        if token in request.eos or len(request.out) >= request.max_new_tokens:
            request.done = True
