"""encode() never returns."""
from kata.plugin.adapters import reference_functions

globals().update(reference_functions("03_logits"))


def encode(tokenizer, text, device):
    ids = []
    while True:  # the learner forgot the stop condition
        ids.append(0)
        ids.clear()
