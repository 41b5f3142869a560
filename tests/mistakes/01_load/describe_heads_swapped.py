"""describe() swaps query heads and key/value heads."""
from kata.plugin.adapters import reference_functions

globals().update(reference_functions("01_load"))

CAUGHT_BY = "heads and kv_heads are swapped"
reference_describe = reference_functions("01_load")["describe"]


def describe(model):
    result = reference_describe(model)
    result["heads"], result["kv_heads"] = result["kv_heads"], result["heads"]
    return result
