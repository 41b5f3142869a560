"""generate_batch() re-runs the whole padded sequence every step instead of using a cache."""
# ruff: noqa: F821  (the reference's functions arrive through globals() below)
import torch

from kata.plugin.adapters import reference_functions

globals().update(reference_functions("07_batch"))

CAUGHT_BY = "recomputes what the cache holds"


@torch.no_grad()
def generate_batch(model, tokenizer, prompts, max_new_tokens, eos_token_id=None):
    eos = torch.tensor(_eos_ids(eos_token_id), device=model.device, dtype=torch.long)
    batch = pad_batch(tokenizer, prompts)
    ids, mask = batch["input_ids"].to(model.device), batch["attention_mask"].to(model.device)
    T = ids.shape[1]
    finished = torch.zeros(ids.shape[0], dtype=torch.bool, device=model.device)
    for _ in range(max_new_tokens):
        logits = model(input_ids=ids, attention_mask=mask, position_ids=position_ids_from_mask(mask),
                       use_cache=False).logits[:, -1]
        next_ids = logits.argmax(-1).masked_fill(finished, tokenizer.pad_token_id)
        ids = torch.cat([ids, next_ids[:, None]], 1)
        mask = torch.cat([mask, mask.new_ones(mask.shape[0], 1)], 1)
        finished |= torch.isin(next_ids, eos)
        if finished.all():
            break
    return tokenizer.batch_decode(ids[:, T:], skip_special_tokens=True)
