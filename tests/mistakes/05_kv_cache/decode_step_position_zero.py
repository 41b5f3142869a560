"""decode_step() passes position_ids for a sequence of length 1, so the new token sits at position 0."""
import torch

from kata.plugin.adapters import reference_functions

globals().update(reference_functions("05_kv_cache"))

CAUGHT_BY = "given position 0"


@torch.no_grad()
def decode_step(model, token_ids, cache):
    positions = torch.arange(token_ids.shape[1], device=token_ids.device).unsqueeze(0)
    out = model(token_ids, cache=cache, position_ids=positions, use_cache=True)
    return out.logits[:, -1], out.cache
