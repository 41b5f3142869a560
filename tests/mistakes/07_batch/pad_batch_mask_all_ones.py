"""pad_batch() pads on the left but returns a mask of ones: padding looks like text."""
import torch

from kata.plugin.adapters import reference_functions

globals().update(reference_functions("07_batch"))

CAUGHT_BY = "the attention_mask must be 1 on every real token and 0 on every padding position"


def pad_batch(tokenizer, prompts):
    enc = tokenizer(prompts, padding=True, padding_side="left", return_tensors="pt")
    return {"input_ids": enc["input_ids"], "attention_mask": torch.ones_like(enc["input_ids"])}
