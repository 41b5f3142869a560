"""load_tokenizer() applies the old recipe pad_token = eos_token, changing the checkpoint's own pad token."""
from transformers import AutoTokenizer

from kata.plugin.adapters import reference_functions

globals().update(reference_functions("01_load"))

CAUGHT_BY = "already has a pad token"


def load_tokenizer(model_id):
    tokenizer = AutoTokenizer.from_pretrained(model_id)
    tokenizer.pad_token = tokenizer.eos_token
    return tokenizer
