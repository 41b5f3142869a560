"""render_chat() adds a newline after the generation prompt, as one might for readability."""
from kata.plugin.adapters import reference_functions

globals().update(reference_functions("02_chat"))

CAUGHT_BY = "extra whitespace"


def render_chat(tokenizer, messages):
    return tokenizer.apply_chat_template(messages, tokenize=False, add_generation_prompt=True) + "\n"
