"""encode() converts the ids to int32 (to save memory, or copying code written for another framework)."""
import torch

from kata.plugin.adapters import reference_functions

globals().update(reference_functions("03_logits"))

CAUGHT_BY = "converted to torch.int32"


def encode(tokenizer, text, device):
    return tokenizer(text, return_tensors="pt").input_ids.to(device, torch.int32)
