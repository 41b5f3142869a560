"""generate_cached() returns prompt + new ids, as model.generate does, instead of the new ids only."""
import torch

from kata.plugin.adapters import reference_functions

globals().update(reference_functions("05_kv_cache"))

CAUGHT_BY = "the prompt came back too"

_new_ids_only = generate_cached


def generate_cached(model, input_ids, max_new_tokens, eos_token_id=None):
    return torch.cat([input_ids, _new_ids_only(model, input_ids, max_new_tokens, eos_token_id)], dim=1)
