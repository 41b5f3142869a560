"""encode_chat() tokenizes the rendered string but forgets return_tensors: Python lists."""
from kata.plugin.adapters import reference_functions

globals().update(reference_functions("02_chat"))

CAUGHT_BY = "return_tensors"


def encode_chat(tokenizer, messages):
    text = tokenizer.apply_chat_template(messages, tokenize=False, add_generation_prompt=True)
    return dict(tokenizer(text))
