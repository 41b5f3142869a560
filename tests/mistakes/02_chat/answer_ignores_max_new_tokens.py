"""answer() always generates 32 new tokens, whatever max_new_tokens says."""
import torch

from kata.plugin.adapters import reference_functions

globals().update(reference_functions("02_chat"))

CAUGHT_BY = "pass max_new_tokens on to generate"


@torch.no_grad()
def answer(model, tokenizer, question, system=None, max_new_tokens=32):
    enc = encode_chat(tokenizer, make_messages(question, system)).to(model.device)  # noqa: F821
    out = model.generate(**enc, do_sample=False, max_new_tokens=32)
    return tokenizer.decode(out[0, enc["input_ids"].shape[1]:], skip_special_tokens=True)
