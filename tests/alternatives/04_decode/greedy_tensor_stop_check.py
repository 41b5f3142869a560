"""A correct version with another stop check and other ways to rank the scores.

argmax_token() uses torch.max; top_k_next() sorts the probabilities; greedy_generate() keeps the
eos ids as a tensor and stops when torch.isin says the new id is one of them, and decodes the new
part of the whole sequence at the end.
"""
import torch

from kata.plugin.adapters import reference_functions

globals().update(reference_functions("04_decode"))


def argmax_token(logits):
    return torch.max(logits, dim=-1).indices.item()


@torch.no_grad()
def top_k_next(model, tokenizer, prompt, k=5):
    ids = tokenizer(prompt, return_tensors="pt").input_ids.to(model.device)
    probs = torch.softmax(model(ids).logits[0, -1].float(), dim=-1)
    values, indices = torch.sort(probs, descending=True)
    return [(tokenizer.decode([int(i)]), float(p)) for p, i in zip(values[:k], indices[:k])]


@torch.no_grad()
def greedy_generate(model, tokenizer, prompt, max_new_tokens):
    eos = torch.tensor(model.generation_config.eos_token_id, device=model.device).flatten()
    ids = tokenizer(prompt, return_tensors="pt").input_ids.to(model.device)
    start = ids.shape[1]
    while ids.shape[1] - start < max_new_tokens:
        token = model(ids, use_cache=False).logits[:, -1].argmax(-1, keepdim=True)  # [1, 1]
        ids = torch.cat([ids, token], dim=1)
        if torch.isin(token, eos).any():
            break
    return tokenizer.decode(ids[0, start:], skip_special_tokens=True)
