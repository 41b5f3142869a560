"""pad_batch() sets tokenizer.padding_side = "left": right batch, but the shared tokenizer is changed."""
from kata.plugin.adapters import reference_functions

globals().update(reference_functions("07_batch"))

CAUGHT_BY = "the tokenizer was edited: padding_side"


def pad_batch(tokenizer, prompts):
    tokenizer.padding_side = "left"
    enc = tokenizer(prompts, padding=True, return_tensors="pt")
    return {"input_ids": enc["input_ids"], "attention_mask": enc["attention_mask"]}
