"""describe() reports model.config.dtype, how the checkpoint was saved, not the parameters' dtype now."""
from kata.plugin.adapters import reference_functions

globals().update(reference_functions("01_load"))

CAUGHT_BY = "parameters may have been cast"
reference_describe = reference_functions("01_load")["describe"]


def describe(model):
    result = reference_describe(model)
    result["dtype"] = model.config.dtype
    return result
