"""top_k_next() leaves each probability as a 0-d tensor."""
import torch

from kata.plugin.adapters import reference_functions

globals().update(reference_functions("04_decode"))

CAUGHT_BY = "must be Python floats"


@torch.no_grad()
def top_k_next(model, tokenizer, prompt, k=5):
    ids = tokenizer(prompt, return_tensors="pt").input_ids.to(model.device)
    top = torch.topk(torch.softmax(model(ids).logits[0, -1].float(), dim=-1), k)
    return [(tokenizer.decode([int(i)]), p) for p, i in zip(top.values, top.indices)]
