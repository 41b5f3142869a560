"""generate_batch() decodes the whole rows: the prompts come back with the new text."""
# ruff: noqa: F821  (the reference's functions arrive through globals() below)
import torch

from kata.plugin.adapters import reference_functions

globals().update(reference_functions("07_batch"))

CAUGHT_BY = "the prompt came back too"


@torch.no_grad()
def generate_batch(model, tokenizer, prompts, max_new_tokens, eos_token_id=None):
    batch = pad_batch(tokenizer, prompts)
    ids, mask = batch["input_ids"].to(model.device), batch["attention_mask"].to(model.device)
    new = model.generate(input_ids=ids, attention_mask=mask, do_sample=False, repetition_penalty=1.0,
                         temperature=None, top_p=None, top_k=None, max_new_tokens=max_new_tokens,
                         eos_token_id=eos_token_id)
    return tokenizer.batch_decode(new, skip_special_tokens=True)
