"""top_k_next() gives the top-k logits, not probabilities."""
import torch

from kata.plugin.adapters import reference_functions

globals().update(reference_functions("04_decode"))

CAUGHT_BY = "these are logits, not probabilities"


@torch.no_grad()
def top_k_next(model, tokenizer, prompt, k=5):
    ids = tokenizer(prompt, return_tensors="pt").input_ids.to(model.device)
    top = torch.topk(model(ids).logits[0, -1].float(), k)
    return [(tokenizer.decode([i]), p) for p, i in zip(top.values.tolist(), top.indices.tolist())]
