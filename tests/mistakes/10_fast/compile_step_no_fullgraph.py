"""compile_step() leaves fullgraph off: a graph break silently splits the step, with Python in between."""
# ruff: noqa: F821  (the reference's functions arrive through globals() below)

from kata.plugin.adapters import reference_functions

globals().update(reference_functions("10_fast"))

CAUGHT_BY = "pass fullgraph=True"


def compile_step(step=None, backend="inductor", mode=None):
    return torch.compile(forward_static if step is None else step, backend=backend, mode=mode, dynamic=False)
