"""slots() starts at position start + 1."""
# ruff: noqa: F821  (the reference's names arrive through globals() below)

from kata.plugin.adapters import reference_functions

globals().update(reference_functions("11_serve"))

CAUGHT_BY = 'off by one'


def slots(block_table, start, count, block_size):
    positions = range(start + 1, start + count + 1)
    return torch.tensor([block_table[p // block_size] * block_size + p % block_size for p in positions])
