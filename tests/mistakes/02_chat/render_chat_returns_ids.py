"""render_chat() leaves apply_chat_template's default tokenize=True: a BatchEncoding, not a str."""
from kata.plugin.adapters import reference_functions

globals().update(reference_functions("02_chat"))

CAUGHT_BY = "tokenize=False"


def render_chat(tokenizer, messages):
    return tokenizer.apply_chat_template(messages, add_generation_prompt=True)
