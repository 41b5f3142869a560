"""top_k_next() sorts the k most likely tokens least likely first."""
from kata.plugin.adapters import reference_functions

globals().update(reference_functions("04_decode"))

CAUGHT_BY = "sorted(...) is ascending"

_reference = top_k_next


def top_k_next(model, tokenizer, prompt, k=5):
    return sorted(_reference(model, tokenizer, prompt, k), key=lambda pair: pair[1])
