"""generate_static() always makes max_new_tokens tokens: it never looks at eos_token_id."""
# ruff: noqa: F821  (the reference's functions arrive through globals() below)

from kata.plugin.adapters import reference_functions

globals().update(reference_functions("10_fast"))

CAUGHT_BY = "stop right after the first eos"


def generate_static(model, input_ids, max_new_tokens, eos_token_id=None, step=None):
    return reference_functions("10_fast")["generate_static"](model, input_ids, max_new_tokens, None, step)
