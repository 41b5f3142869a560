"""generate_batch() pads the prompts but never gives the model the attention mask."""
# ruff: noqa: F821  (the reference's functions arrive through globals() below)
import torch

from kata.plugin.adapters import reference_functions

globals().update(reference_functions("07_batch"))

CAUGHT_BY = "got no attention_mask"


@torch.no_grad()
def generate_batch(model, tokenizer, prompts, max_new_tokens, eos_token_id=None):
    eos = torch.tensor(_eos_ids(eos_token_id), device=model.device, dtype=torch.long)
    ids = pad_batch(tokenizer, prompts)["input_ids"].to(model.device)
    out = model(ids, use_cache=True)
    finished = torch.zeros(ids.shape[0], dtype=torch.bool, device=model.device)
    new = []
    for step in range(max_new_tokens):
        next_ids = out.logits[:, -1].argmax(-1).masked_fill(finished, tokenizer.pad_token_id)
        new.append(next_ids)
        finished |= torch.isin(next_ids, eos)
        if step + 1 == max_new_tokens or bool(finished.all()):
            break
        out = model(next_ids[:, None], cache=out.cache, use_cache=True)
    return tokenizer.batch_decode(torch.stack(new, 1), skip_special_tokens=True)
