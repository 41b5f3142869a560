"""batched_last_logits() runs the padded ids without the attention mask."""
# ruff: noqa: F821  (the reference's functions arrive through globals() below)
import torch

from kata.plugin.adapters import reference_functions

globals().update(reference_functions("07_batch"))

CAUGHT_BY = "the attention mask was not passed"


@torch.no_grad()
def batched_last_logits(model, batch):
    ids, mask = batch["input_ids"].to(model.device), batch["attention_mask"].to(model.device)
    logits = model(input_ids=ids, position_ids=position_ids_from_mask(mask)).logits
    last = (mask * torch.arange(ids.shape[1], device=ids.device)).argmax(-1)
    return logits[torch.arange(ids.shape[0], device=ids.device), last]
