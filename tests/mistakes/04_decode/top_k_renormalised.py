"""top_k_next() takes the softmax of the k best logits only, so they sum to 1."""
import torch

from kata.plugin.adapters import reference_functions

globals().update(reference_functions("04_decode"))

CAUGHT_BY = "softmax over the whole vocabulary"


@torch.no_grad()
def top_k_next(model, tokenizer, prompt, k=5):
    ids = tokenizer(prompt, return_tensors="pt").input_ids.to(model.device)
    top = torch.topk(model(ids).logits[0, -1].float(), k)
    probs = torch.softmax(top.values, dim=-1)
    return [(tokenizer.decode([i]), p) for p, i in zip(probs.tolist(), top.indices.tolist())]
