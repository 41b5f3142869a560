"""next_token() returns the prompt with the new token appended."""
from kata.plugin.adapters import reference_functions

globals().update(reference_functions("04_decode"))

CAUGHT_BY = "only the new token"

_reference = next_token


def next_token(model, tokenizer, prompt):
    return prompt + _reference(model, tokenizer, prompt)
