"""generate_batch() stops a row only at the first id of an eos_token_id list."""
# ruff: noqa: F821  (the reference's functions arrive through globals() below)
import torch

from kata.plugin.adapters import reference_functions

globals().update(reference_functions("07_batch"))

CAUGHT_BY = "EVERY id in the list ends a row"


@torch.no_grad()
def generate_batch(model, tokenizer, prompts, max_new_tokens, eos_token_id=None):
    first = eos_token_id[0] if isinstance(eos_token_id, (list, tuple)) else eos_token_id
    eos = torch.tensor([] if first is None else [first], device=model.device, dtype=torch.long)
    batch = pad_batch(tokenizer, prompts)
    ids, mask = batch["input_ids"].to(model.device), batch["attention_mask"].to(model.device)
    B = ids.shape[0]
    out = model(input_ids=ids, attention_mask=mask, position_ids=position_ids_from_mask(mask),
                use_cache=True, logits_to_keep=1)
    cache, logits = out.cache, out.logits[:, -1]
    finished = torch.zeros(B, dtype=torch.bool, device=model.device)
    new = []
    for step in range(max_new_tokens):
        next_ids = logits.argmax(dim=-1).masked_fill(finished, tokenizer.pad_token_id)
        new.append(next_ids)
        finished |= torch.isin(next_ids, eos)
        if step + 1 == max_new_tokens or bool(finished.all()):
            break
        mask = torch.cat([mask, mask.new_ones(B, 1)], dim=-1)
        out = model(input_ids=next_ids[:, None], attention_mask=mask, position_ids=mask.sum(-1, keepdim=True) - 1,
                    cache=cache, use_cache=True)
        cache, logits = out.cache, out.logits[:, -1]
    return tokenizer.batch_decode(torch.stack(new, 1), skip_special_tokens=True)
