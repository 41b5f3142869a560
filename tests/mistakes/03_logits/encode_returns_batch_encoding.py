"""encode() returns the whole BatchEncoding instead of its input_ids."""
from kata.plugin.adapters import reference_functions

globals().update(reference_functions("03_logits"))

CAUGHT_BY = "dict-like"


def encode(tokenizer, text, device):
    return tokenizer(text, return_tensors="pt").to(device)
