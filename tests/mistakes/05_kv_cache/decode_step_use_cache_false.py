"""decode_step() passes the cache but with use_cache=False, so out.cache is None."""
import torch

from kata.plugin.adapters import reference_functions

globals().update(reference_functions("05_kv_cache"))

CAUGHT_BY = "no cache came back"


@torch.no_grad()
def decode_step(model, token_ids, cache):
    out = model(token_ids, cache=cache, use_cache=False)
    return out.logits[:, -1], out.cache
