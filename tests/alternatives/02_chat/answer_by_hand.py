"""A correct version whose answer() decodes greedily by hand instead of calling generate.

make_messages() builds the list in order; answer() runs its own argmax loop with the KV cache
(repetition_penalty 1.0, as the docstring allows) and stops at the generation config's eos ids.
"""
# ruff: noqa: F821  (the reference's names come from globals().update below)
import torch

from kata.plugin.adapters import reference_functions

globals().update(reference_functions("02_chat"))


def make_messages(user, system=None):
    system_turn = [] if system is None else [{"role": "system", "content": system}]
    return [*system_turn, {"role": "user", "content": user}]


@torch.no_grad()
def answer(model, tokenizer, question, system=None, max_new_tokens=32):
    eos = model.generation_config.eos_token_id
    stop = {eos} if isinstance(eos, int) else set(eos or [])
    ids = encode_chat(tokenizer, make_messages(question, system))["input_ids"].to(model.device)
    out = model(ids, use_cache=True)
    new = []
    for _ in range(max_new_tokens):
        token = int(out.logits[0, -1].argmax())
        new.append(token)
        if token in stop:
            break
        out = model(torch.tensor([[token]], device=model.device), cache=out.cache, use_cache=True)
    return tokenizer.decode(new, skip_special_tokens=True)
