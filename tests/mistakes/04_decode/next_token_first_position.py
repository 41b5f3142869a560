"""next_token() reads the prediction at the first position instead of the last."""
import torch

from kata.plugin.adapters import reference_functions

globals().update(reference_functions("04_decode"))

CAUGHT_BY = "FIRST position"


@torch.no_grad()
def next_token(model, tokenizer, prompt):
    ids = tokenizer(prompt, return_tensors="pt").input_ids.to(model.device)
    return tokenizer.decode([int(model(ids).logits[0, 0].argmax())])
