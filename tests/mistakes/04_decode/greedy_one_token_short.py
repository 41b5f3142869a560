"""greedy_generate() loops range(max_new_tokens - 1) times."""

from kata.plugin.adapters import reference_functions

globals().update(reference_functions("04_decode"))

CAUGHT_BY = "too few tokens"

_reference = greedy_generate


def greedy_generate(model, tokenizer, prompt, max_new_tokens):
    return _reference(model, tokenizer, prompt, max_new_tokens - 1)
