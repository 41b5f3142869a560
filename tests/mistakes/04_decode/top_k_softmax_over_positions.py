"""top_k_next() takes the softmax of the [1, T, vocab] logits over the positions (dim=1)."""
import torch

from kata.plugin.adapters import reference_functions

globals().update(reference_functions("04_decode"))

CAUGHT_BY = "vocabulary axis (dim=-1)"


@torch.no_grad()
def top_k_next(model, tokenizer, prompt, k=5):
    ids = tokenizer(prompt, return_tensors="pt").input_ids.to(model.device)
    probs = torch.softmax(model(ids).logits.float(), dim=1)[0, -1]
    top = torch.topk(probs, k)
    return [(tokenizer.decode([i]), p) for p, i in zip(top.values.tolist(), top.indices.tolist())]
