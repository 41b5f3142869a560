"""pad_batch() tokenizes each prompt alone and pads the rows on the left by hand with the pad token."""
import torch

from kata.plugin.adapters import reference_functions

globals().update(reference_functions("07_batch"))


def pad_batch(tokenizer, prompts):
    rows = [tokenizer(p).input_ids for p in prompts]
    T = max(len(r) for r in rows)
    ids = [[tokenizer.pad_token_id] * (T - len(r)) + r for r in rows]
    mask = [[0] * (T - len(r)) + [1] * len(r) for r in rows]
    return {"input_ids": torch.tensor(ids), "attention_mask": torch.tensor(mask)}
