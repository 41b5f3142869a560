"""A finished request leaves the batch but its blocks are never given back to the pool."""
# ruff: noqa: F821  (the reference's names arrive through globals() below)

from kata.plugin.adapters import reference_functions

globals().update(reference_functions("11_serve"))

CAUGHT_BY = 'a finished request keeps its blocks'


class Engine(Engine):
    def _emit(self, request, token, made):
        request.out.append(token)
        made.append((request.request_id, token))
        if token in request.eos or len(request.out) >= request.max_new_tokens:
            self.running.remove(request)
