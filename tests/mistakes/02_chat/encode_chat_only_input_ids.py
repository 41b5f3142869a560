"""encode_chat() returns the ids tensor alone, as transformers 4's apply_chat_template(return_tensors="pt") did."""
from kata.plugin.adapters import reference_functions

globals().update(reference_functions("02_chat"))

CAUGHT_BY = "generate needs the attention mask too"


def encode_chat(tokenizer, messages):
    return tokenizer.apply_chat_template(
        messages, add_generation_prompt=True, return_dict=True, return_tensors="pt"
    )["input_ids"]
