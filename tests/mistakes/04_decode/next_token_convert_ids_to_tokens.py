"""next_token() shows the vocabulary entry (ĠParis) instead of decoding it ( Paris)."""
import torch

from kata.plugin.adapters import reference_functions

globals().update(reference_functions("04_decode"))

CAUGHT_BY = "convert_ids_to_tokens gives the vocabulary entry"


@torch.no_grad()
def next_token(model, tokenizer, prompt):
    ids = tokenizer(prompt, return_tensors="pt").input_ids.to(model.device)
    return tokenizer.convert_ids_to_tokens(int(model(ids).logits[0, -1].argmax()))
