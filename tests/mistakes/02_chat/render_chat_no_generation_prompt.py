"""render_chat() forgets add_generation_prompt=True: the assistant's turn is never opened."""
from kata.plugin.adapters import reference_functions

globals().update(reference_functions("02_chat"))

CAUGHT_BY = "the string must end with '<|im_start|>assistant\\n'"


def render_chat(tokenizer, messages):
    return tokenizer.apply_chat_template(messages, tokenize=False)
