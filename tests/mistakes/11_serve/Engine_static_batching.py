"""Static batching: waiting requests are admitted only when the whole batch has finished."""
# ruff: noqa: F821  (the reference's names arrive through globals() below)

from kata.plugin.adapters import reference_functions

globals().update(reference_functions("11_serve"))

CAUGHT_BY = 'not only when the whole batch has finished'


class Engine(Engine):
    def _admit(self, made):
        if not self.running:
            super()._admit(made)
