"""answer() decodes the new ids without skip_special_tokens: '<|im_end|>' stays in the text."""
import torch

from kata.plugin.adapters import reference_functions

globals().update(reference_functions("02_chat"))

CAUGHT_BY = "skip_special_tokens=True"


@torch.no_grad()
def answer(model, tokenizer, question, system=None, max_new_tokens=32):
    enc = encode_chat(tokenizer, make_messages(question, system)).to(model.device)  # noqa: F821
    out = model.generate(**enc, max_new_tokens=max_new_tokens, do_sample=False)
    return tokenizer.decode(out[0, enc["input_ids"].shape[1]:])
