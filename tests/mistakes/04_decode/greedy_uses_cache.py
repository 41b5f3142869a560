"""greedy_generate() gets the right tokens, but with the KV cache (that is exercise 05)."""
import torch

from kata.plugin.adapters import reference_functions

globals().update(reference_functions("04_decode"))

CAUGHT_BY = "05_kv_cache adds the cache"


@torch.no_grad()
def greedy_generate(model, tokenizer, prompt, max_new_tokens):
    ids = tokenizer(prompt, return_tensors="pt").input_ids.to(model.device)
    out = model.generate(ids, do_sample=False, repetition_penalty=1.0, max_new_tokens=max_new_tokens)
    return tokenizer.decode(out[0, ids.shape[1]:], skip_special_tokens=True)
