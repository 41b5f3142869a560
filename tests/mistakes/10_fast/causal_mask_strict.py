"""causal_mask() uses < instead of <=: a token cannot see itself."""
# ruff: noqa: F821  (the reference's functions arrive through globals() below)

from kata.plugin.adapters import reference_functions

globals().update(reference_functions("10_fast"))


CAUGHT_BY = "off by one"


def causal_mask(positions, max_len):
    return torch.arange(max_len, device=positions.device)[None, :] < positions[:, None]
