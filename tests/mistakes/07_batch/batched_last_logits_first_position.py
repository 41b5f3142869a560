"""batched_last_logits() takes the first position's scores."""
# ruff: noqa: F821  (the reference's functions arrive through globals() below)
import torch

from kata.plugin.adapters import reference_functions

globals().update(reference_functions("07_batch"))

CAUGHT_BY = "scores after the FIRST column"


@torch.no_grad()
def batched_last_logits(model, batch):
    ids, mask = batch["input_ids"].to(model.device), batch["attention_mask"].to(model.device)
    return model(input_ids=ids, attention_mask=mask, position_ids=position_ids_from_mask(mask)).logits[:, 0]
