"""A correct version that builds the prompt from parts and spells out generate's settings.

chatml() joins a list of pieces; encode_chat() tokenizes render_chat's string without adding
special tokens; answer() calls generate with every greedy setting written out
(repetition_penalty=1.0, no temperature / top-k / top-p) and decodes the new ids itself.
"""
# ruff: noqa: F821  (the reference's names come from globals().update below)
import torch

from kata.course.texts import DEFAULT_SYSTEM
from kata.plugin.adapters import reference_functions

globals().update(reference_functions("02_chat"))


def chatml(messages):
    turns = list(messages)
    if not turns or turns[0]["role"] != "system":
        turns.insert(0, {"role": "system", "content": DEFAULT_SYSTEM})
    parts = []
    for turn in turns:
        parts += ["<|im_start|>", turn["role"], "\n", turn["content"], "<|im_end|>", "\n"]
    parts += ["<|im_start|>", "assistant", "\n"]
    return "".join(parts)


def encode_chat(tokenizer, messages):
    return tokenizer(render_chat(tokenizer, messages), add_special_tokens=False, return_tensors="pt")


@torch.no_grad()
def answer(model, tokenizer, question, system=None, max_new_tokens=32):
    enc = encode_chat(tokenizer, make_messages(question, system))
    ids = enc["input_ids"].to(model.device)
    out = model.generate(ids, attention_mask=enc["attention_mask"].to(model.device), do_sample=False,
                         temperature=None, top_k=None, top_p=None, repetition_penalty=1.0,
                         max_new_tokens=max_new_tokens)
    return tokenizer.decode(out[0].tolist()[ids.shape[1]:], skip_special_tokens=True)
