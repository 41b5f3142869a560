"""quantize_model() replaces the projections of the model it is given: the shared model is changed."""
# ruff: noqa: F821  (the reference's functions arrive through globals() below)

from kata.plugin.adapters import reference_functions

globals().update(reference_functions("10_fast"))

CAUGHT_BY = "quantise a copy"


def quantize_model(model):
    for layer in model.model.layers:
        for path in PROJECTIONS:
            parent, name = path.split(".")
            part = getattr(layer, parent)
            setattr(part, name, Int8Linear.from_linear(getattr(part, name)))
    return model
