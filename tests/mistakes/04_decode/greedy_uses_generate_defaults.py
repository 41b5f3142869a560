"""greedy_generate() calls model.generate(do_sample=False), keeping the checkpoint's repetition_penalty."""
import torch

from kata.plugin.adapters import reference_functions

globals().update(reference_functions("04_decode"))

CAUGHT_BY = "which applies repetition_penalty="


@torch.no_grad()
def greedy_generate(model, tokenizer, prompt, max_new_tokens):
    ids = tokenizer(prompt, return_tensors="pt").input_ids.to(model.device)
    out = model.generate(ids, do_sample=False, use_cache=False, max_new_tokens=max_new_tokens)
    return tokenizer.decode(out[0, ids.shape[1]:], skip_special_tokens=True)
