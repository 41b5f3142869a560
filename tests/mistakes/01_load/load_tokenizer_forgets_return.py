"""load_tokenizer() loads the tokenizer but forgets to return it."""
from transformers import AutoTokenizer

from kata.plugin.adapters import reference_functions

globals().update(reference_functions("01_load"))

CAUGHT_BY = "forget to `return`"


def load_tokenizer(model_id):
    tokenizer = AutoTokenizer.from_pretrained(model_id)  # noqa: F841 - the mistake: no return
