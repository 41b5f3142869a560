"""prefill() runs the model with use_cache=False (copied from the notebook's timing cell): no cache comes back."""
import torch

from kata.plugin.adapters import reference_functions

globals().update(reference_functions("05_kv_cache"))

CAUGHT_BY = "use_cache=True"


@torch.no_grad()
def prefill(model, input_ids):
    out = model(input_ids, use_cache=False)
    return out.logits[:, -1], out.cache
