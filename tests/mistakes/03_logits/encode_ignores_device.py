"""encode() leaves the ids on the CPU whatever device is asked for."""
from kata.plugin.adapters import reference_functions

globals().update(reference_functions("03_logits"))

CAUGHT_BY = ".to(device)"


def encode(tokenizer, text, device):
    return tokenizer(text, return_tensors="pt").input_ids
