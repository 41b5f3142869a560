"""encode_chat() forgets add_generation_prompt=True."""
from kata.plugin.adapters import reference_functions

globals().update(reference_functions("02_chat"))

CAUGHT_BY = "use add_generation_prompt=True"


def encode_chat(tokenizer, messages):
    return tokenizer.apply_chat_template(messages, return_dict=True, return_tensors="pt")
