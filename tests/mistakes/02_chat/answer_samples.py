"""answer() calls generate without do_sample=False: the checkpoint's config samples."""
import torch

from kata.plugin.adapters import reference_functions

globals().update(reference_functions("02_chat"))

CAUGHT_BY = "the answer was sampled"


@torch.no_grad()
def answer(model, tokenizer, question, system=None, max_new_tokens=32):
    enc = encode_chat(tokenizer, make_messages(question, system)).to(model.device)  # noqa: F821
    out = model.generate(**enc, max_new_tokens=max_new_tokens)
    return tokenizer.decode(out[0, enc["input_ids"].shape[1]:], skip_special_tokens=True)
