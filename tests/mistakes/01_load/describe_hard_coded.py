"""describe() types in Qwen2.5-0.5B's numbers instead of reading the config."""
from kata.plugin.adapters import reference_functions

globals().update(reference_functions("01_load"))

CAUGHT_BY = "hard-coded"


def describe(model):
    first = next(model.parameters())
    return {
        "layers": 24, "hidden_size": 896, "heads": 14, "kv_heads": 2, "head_dim": 64,
        "vocab_size": 151936, "dtype": first.dtype, "device": first.device,
    }
