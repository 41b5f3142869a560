"""describe() assumes every attention head has its own key/value head (no grouped-query attention)."""
from kata.plugin.adapters import reference_functions

globals().update(reference_functions("01_load"))

CAUGHT_BY = "not num_attention_heads"
reference_describe = reference_functions("01_load")["describe"]


def describe(model):
    result = reference_describe(model)
    result["kv_heads"] = model.config.num_attention_heads
    return result
