"""generate_batch() makes its DynamicCache itself and passes it to the prefill, and counts each row's
positions on from the prefill's last one instead of summing the mask every step."""
# ruff: noqa: F821  (the reference's functions arrive through globals() below)
import torch
from transformers import DynamicCache

from kata.plugin.adapters import reference_functions

globals().update(reference_functions("07_batch"))


@torch.no_grad()
def generate_batch(model, tokenizer, prompts, max_new_tokens, eos_token_id=None):
    eos = torch.tensor(_eos_ids(eos_token_id), device=model.device, dtype=torch.long)
    batch = pad_batch(tokenizer, prompts)
    ids, mask = batch["input_ids"].to(model.device), batch["attention_mask"].to(model.device)
    B = ids.shape[0]
    cache = DynamicCache(config=model.config)
    positions = position_ids_from_mask(mask)
    logits = model(input_ids=ids, attention_mask=mask, position_ids=positions, cache=cache, use_cache=True).logits[:, -1]
    position = positions[:, -1:]  # every row's last real token, under left padding
    finished = torch.zeros(B, dtype=torch.bool, device=model.device)
    new = []
    for step in range(max_new_tokens):
        next_ids = torch.where(finished, tokenizer.pad_token_id, logits.argmax(dim=-1))
        new.append(next_ids)
        finished = finished | torch.isin(next_ids, eos)
        if step + 1 == max_new_tokens or bool(finished.all()):
            break
        mask = torch.cat([mask, torch.ones_like(mask[:, :1])], dim=-1)
        position = position + 1
        logits = model(input_ids=next_ids[:, None], attention_mask=mask, position_ids=position, cache=cache,
                       use_cache=True).logits[:, -1]
    return tokenizer.batch_decode(torch.stack(new, 1), skip_special_tokens=True)
