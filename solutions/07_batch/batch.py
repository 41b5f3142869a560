"""Reference solution for 07_batch: many prompts in one forward pass."""

import torch


def _eos_ids(eos_token_id) -> list[int]:
    """`None`, one id or a list of ids -> a list of ids (empty: never stop early)."""
    if eos_token_id is None:
        return []
    if isinstance(eos_token_id, int):
        return [eos_token_id]
    return [int(i) for i in eos_token_id]


def pad_batch(tokenizer, prompts: list[str]) -> dict[str, torch.Tensor]:
    """Tokenize `prompts` as one [B, T] batch, padded on the LEFT, so every row ends with its last real token."""
    # padding_side is passed for this call only: the shared tokenizer keeps its own (right) setting.
    enc = tokenizer(prompts, padding=True, padding_side="left", return_tensors="pt")
    return {"input_ids": enc["input_ids"], "attention_mask": enc["attention_mask"]}


def position_ids_from_mask(attention_mask) -> torch.Tensor:
    """[B, T] positions: 0 at each row's first real token, +1 per real token; padding gets 1 (never read)."""
    mask = attention_mask.long()
    # cumsum counts the real tokens up to and including each column; -1 makes the first one 0.
    positions = mask.cumsum(dim=-1) - 1
    # Padding is masked out of attention, so its position is never used; 1 keeps it a valid index.
    return positions.masked_fill(mask == 0, 1)


@torch.no_grad()
def batched_last_logits(model, batch) -> torch.Tensor:
    """[B, vocab]: the scores after each row's LAST REAL token, whichever side the padding is on."""
    ids = batch["input_ids"].to(model.device)
    mask = batch["attention_mask"].to(model.device)
    # The mask keeps real tokens from attending to padding; the positions number each row from 0.
    logits = model(input_ids=ids, attention_mask=mask, position_ids=position_ids_from_mask(mask)).logits
    # Column of each row's last real token: the largest index where the mask is 1
    # (T-1 for every row under left padding, length-1 under right padding).
    columns = torch.arange(ids.shape[1], device=ids.device)
    last = (mask * columns).argmax(dim=-1)
    return logits[torch.arange(ids.shape[0], device=ids.device), last]


@torch.no_grad()
def generate_batch(model, tokenizer, prompts: list[str], max_new_tokens: int, eos_token_id=None) -> list[str]:
    """Greedy continuations of all `prompts` at once: one cache, one forward pass per step for the whole batch."""
    eos = torch.tensor(_eos_ids(eos_token_id), device=model.device, dtype=torch.long)
    batch = pad_batch(tokenizer, prompts)
    ids = batch["input_ids"].to(model.device)
    mask = batch["attention_mask"].to(model.device)
    B = ids.shape[0]

    # Prefill: the whole padded batch once, with its mask and per-row positions.
    out = model(input_ids=ids, attention_mask=mask, position_ids=position_ids_from_mask(mask),
                use_cache=True, logits_to_keep=1)
    cache, logits = out.cache, out.logits[:, -1]
    finished = torch.zeros(B, dtype=torch.bool, device=model.device)
    new = []
    for step in range(max_new_tokens):
        next_ids = logits.argmax(dim=-1)
        # A finished row gets padding: it takes its seat in the batch but adds no text.
        next_ids = next_ids.masked_fill(finished, tokenizer.pad_token_id)
        new.append(next_ids)
        finished |= torch.isin(next_ids, eos)
        if step + 1 == max_new_tokens or bool(finished.all()):
            break
        # Decode: one new column for every row. The mask grows with it (the cache now holds T + step + 1
        # positions), and each row's new position is one past its last one.
        mask = torch.cat([mask, mask.new_ones(B, 1)], dim=-1)
        positions = mask.sum(dim=-1, keepdim=True) - 1
        out = model(input_ids=next_ids[:, None], attention_mask=mask, position_ids=positions,
                    cache=cache, use_cache=True)
        cache, logits = out.cache, out.logits[:, -1]

    new_ids = torch.stack(new, dim=1)  # [B, n]: only what follows the padded prompts
    # skip_special_tokens drops the padding fed to finished rows (and special eos tokens), as decoding
    # model.generate's output does.
    return tokenizer.batch_decode(new_ids, skip_special_tokens=True)
