"""encode() puts a BOS-like <|endoftext|> before the text, as some other models need."""
import torch

from kata.plugin.adapters import reference_functions

globals().update(reference_functions("03_logits"))

CAUGHT_BY = "no BOS token"


def encode(tokenizer, text, device):
    ids = tokenizer(text, return_tensors="pt").input_ids
    bos = torch.tensor([[tokenizer.convert_tokens_to_ids("<|endoftext|>")]])
    return torch.cat([bos, ids], dim=1)[:, :-1].to(device)
