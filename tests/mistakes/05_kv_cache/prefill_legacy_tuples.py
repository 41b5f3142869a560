"""prefill() turns the cache into the legacy tuple of (keys, values) per layer, as transformers 4 code did."""
import torch

from kata.plugin.adapters import reference_functions

globals().update(reference_functions("05_kv_cache"))

CAUGHT_BY = "legacy cache format"


@torch.no_grad()
def prefill(model, input_ids):
    out = model(input_ids, use_cache=True)
    return out.logits[:, -1], tuple((layer.keys, layer.values) for layer in out.cache.layers)
