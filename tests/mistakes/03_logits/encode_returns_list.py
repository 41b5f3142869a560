"""encode() returns the tokenizer's plain Python list instead of a tensor."""
from kata.plugin.adapters import reference_functions

globals().update(reference_functions("03_logits"))

CAUGHT_BY = "return_tensors"


def encode(tokenizer, text, device):
    return tokenizer(text).input_ids
