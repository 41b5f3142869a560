"""generate_batch() runs a cached greedy loop for each prompt on its own, not as one batch."""
# ruff: noqa: F821  (the reference's functions arrive through globals() below)
import torch

from kata.plugin.adapters import reference_functions

globals().update(reference_functions("07_batch"))

CAUGHT_BY = "some passes ran one prompt alone"


@torch.no_grad()
def generate_batch(model, tokenizer, prompts, max_new_tokens, eos_token_id=None):
    eos = set(_eos_ids(eos_token_id))
    texts = []
    for prompt in prompts:
        ids = tokenizer(prompt, return_tensors="pt").input_ids.to(model.device)
        out = model(ids, use_cache=True)
        new = []
        for step in range(max_new_tokens):
            next_id = out.logits[:, -1].argmax(-1, keepdim=True)
            new.append(int(next_id))
            if new[-1] in eos or step + 1 == max_new_tokens:
                break
            out = model(next_id, cache=out.cache, use_cache=True)
        texts.append(tokenizer.decode(new, skip_special_tokens=True))
    return texts
