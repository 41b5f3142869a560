"""encode() returns a 1-D tensor: no batch dimension."""
import torch

from kata.plugin.adapters import reference_functions

globals().update(reference_functions("03_logits"))

CAUGHT_BY = "no batch dimension"


def encode(tokenizer, text, device):
    return torch.tensor(tokenizer.encode(text), device=device)
