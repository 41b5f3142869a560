"""next_token() strips the leading space of the token."""
from kata.plugin.adapters import reference_functions

globals().update(reference_functions("04_decode"))

CAUGHT_BY = "leading space is part of the token"

_reference = next_token


def next_token(model, tokenizer, prompt):
    return _reference(model, tokenizer, prompt).strip()
