"""encode_chat() returns 1-D tensors: no batch dimension."""
import torch

from kata.plugin.adapters import reference_functions

globals().update(reference_functions("02_chat"))

CAUGHT_BY = "the batch dimension is missing"


def encode_chat(tokenizer, messages):
    ids = tokenizer.apply_chat_template(messages, add_generation_prompt=True, return_dict=False)
    ids = torch.tensor(ids)
    return {"input_ids": ids, "attention_mask": torch.ones_like(ids)}
