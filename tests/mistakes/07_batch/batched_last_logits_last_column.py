"""batched_last_logits() takes column -1: right under left padding, padding under right padding."""
# ruff: noqa: F821  (the reference's functions arrive through globals() below)
import torch

from kata.plugin.adapters import reference_functions

globals().update(reference_functions("07_batch"))

CAUGHT_BY = "column -1 holds padding under right padding"


@torch.no_grad()
def batched_last_logits(model, batch):
    ids, mask = batch["input_ids"].to(model.device), batch["attention_mask"].to(model.device)
    return model(input_ids=ids, attention_mask=mask, position_ids=position_ids_from_mask(mask)).logits[:, -1]
