"""describe() always computes head_dim as hidden_size // heads, ignoring a head_dim the config sets."""
from kata.plugin.adapters import reference_functions

globals().update(reference_functions("01_load"))

CAUGHT_BY = "use config.head_dim"
reference_describe = reference_functions("01_load")["describe"]


def describe(model):
    result = reference_describe(model)
    result["head_dim"] = model.config.hidden_size // model.config.num_attention_heads
    return result
