"""pad_batch() pads by hand on the left with id 0 instead of the pad token."""
import torch

from kata.plugin.adapters import reference_functions

globals().update(reference_functions("07_batch"))

CAUGHT_BY = "pad with tokenizer.pad_token_id"


def pad_batch(tokenizer, prompts):
    rows = [tokenizer(p).input_ids for p in prompts]
    T = max(len(r) for r in rows)
    ids = torch.tensor([[0] * (T - len(r)) + r for r in rows])
    mask = torch.tensor([[0] * (T - len(r)) + [1] * len(r) for r in rows])
    return {"input_ids": ids, "attention_mask": mask}
