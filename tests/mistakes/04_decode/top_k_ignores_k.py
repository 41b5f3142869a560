"""top_k_next() always returns the top 5, whatever k is."""
from kata.plugin.adapters import reference_functions

globals().update(reference_functions("04_decode"))

CAUGHT_BY = "return exactly k pairs"

_reference = top_k_next


def top_k_next(model, tokenizer, prompt, k=5):
    return _reference(model, tokenizer, prompt, 5)
