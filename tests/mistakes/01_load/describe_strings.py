"""describe() returns dtype and device as strings, e.g. "torch.bfloat16" and "cpu"."""
from kata.plugin.adapters import reference_functions

globals().update(reference_functions("01_load"))

CAUGHT_BY = "not its name"
reference_describe = reference_functions("01_load")["describe"]


def describe(model):
    result = reference_describe(model)
    result["dtype"], result["device"] = str(result["dtype"]), str(result["device"])
    return result
