"""decode_step() feeds the new token without passing the cache: the model sees no context."""
import torch

from kata.plugin.adapters import reference_functions

globals().update(reference_functions("05_kv_cache"))

CAUGHT_BY = "without the earlier positions"


@torch.no_grad()
def decode_step(model, token_ids, cache):
    out = model(token_ids, use_cache=True)
    return out.logits[:, -1], out.cache
