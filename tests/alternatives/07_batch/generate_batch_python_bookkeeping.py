"""generate_batch() keeps its eos ids, finished rows and new tokens in Python lists, takes the decode
positions from position_ids_from_mask on the grown mask, and pads with the tokenizer in the call."""
# ruff: noqa: F821  (the reference's functions arrive through globals() below)
import torch

from kata.plugin.adapters import reference_functions

globals().update(reference_functions("07_batch"))


@torch.no_grad()
def generate_batch(model, tokenizer, prompts, max_new_tokens, eos_token_id=None):
    if eos_token_id is None:
        stop = set()
    elif isinstance(eos_token_id, int):
        stop = {eos_token_id}
    else:
        stop = set(eos_token_id)
    batch = tokenizer(prompts, padding=True, padding_side="left", return_tensors="pt").to(model.device)
    mask = batch["attention_mask"]
    out = model(**batch, position_ids=position_ids_from_mask(mask), use_cache=True)
    done = [False] * len(prompts)
    rows = [[] for _ in prompts]
    for step in range(max_new_tokens):
        chosen = out.logits[:, -1].argmax(-1).tolist()
        for i, token in enumerate(chosen):
            token = tokenizer.pad_token_id if done[i] else token
            rows[i].append(token)
            done[i] = done[i] or token in stop
        if step + 1 == max_new_tokens or all(done):
            break
        mask = torch.cat([mask, mask.new_ones(len(prompts), 1)], dim=-1)
        fed = torch.tensor([[row[-1]] for row in rows], device=model.device)
        out = model(input_ids=fed, attention_mask=mask, position_ids=position_ids_from_mask(mask)[:, -1:],
                    cache=out.cache, use_cache=True)
    return [tokenizer.decode(row, skip_special_tokens=True) for row in rows]
