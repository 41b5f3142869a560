"""next_token() returns the id instead of the text."""
import torch

from kata.plugin.adapters import reference_functions

globals().update(reference_functions("04_decode"))

CAUGHT_BY = "that is the token id"


@torch.no_grad()
def next_token(model, tokenizer, prompt):
    ids = tokenizer(prompt, return_tensors="pt").input_ids.to(model.device)
    return int(model(ids).logits[0, -1].argmax())
