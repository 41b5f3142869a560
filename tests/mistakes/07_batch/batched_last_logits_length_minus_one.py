"""batched_last_logits() takes column length - 1 of each row: right only for right padding."""
# ruff: noqa: F821  (the reference's functions arrive through globals() below)
import torch

from kata.plugin.adapters import reference_functions

globals().update(reference_functions("07_batch"))

CAUGHT_BY = "length - 1 is a row's last real column only under RIGHT padding"


@torch.no_grad()
def batched_last_logits(model, batch):
    ids, mask = batch["input_ids"].to(model.device), batch["attention_mask"].to(model.device)
    logits = model(input_ids=ids, attention_mask=mask, position_ids=position_ids_from_mask(mask)).logits
    return logits[torch.arange(ids.shape[0], device=ids.device), mask.sum(-1) - 1]
