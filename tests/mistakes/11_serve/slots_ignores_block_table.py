"""slots() returns the positions themselves, as if the sequence owned blocks 0, 1, 2... in order."""
# ruff: noqa: F821  (the reference's names arrive through globals() below)

from kata.plugin.adapters import reference_functions

globals().update(reference_functions("11_serve"))

CAUGHT_BY = 'go through the table'


def slots(block_table, start, count, block_size):
    return torch.arange(start, start + count)
