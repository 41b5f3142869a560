"""pad_batch() uses the tokenizer's default padding side: the right."""
from kata.plugin.adapters import reference_functions

globals().update(reference_functions("07_batch"))

CAUGHT_BY = "padded on the RIGHT"


def pad_batch(tokenizer, prompts):
    enc = tokenizer(prompts, padding=True, return_tensors="pt")
    return {"input_ids": enc["input_ids"], "attention_mask": enc["attention_mask"]}
