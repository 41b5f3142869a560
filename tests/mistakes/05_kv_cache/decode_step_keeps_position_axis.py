"""decode_step() returns the logits as [batch, 1, vocab]."""
import torch

from kata.plugin.adapters import reference_functions

globals().update(reference_functions("05_kv_cache"))

CAUGHT_BY = "the position axis is still there"


@torch.no_grad()
def decode_step(model, token_ids, cache):
    out = model(token_ids, cache=cache, use_cache=True)
    return out.logits, out.cache
