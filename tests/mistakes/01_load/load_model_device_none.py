"""load_model() moves the model to `device` as given, so device=None never reaches pick_device()."""
from transformers import AutoModelForCausalLM

from kata.plugin.adapters import reference_functions

globals().update(reference_functions("01_load"))

CAUGHT_BY = "must call pick_device()"


def load_model(model_id, device=None):
    model = AutoModelForCausalLM.from_pretrained(model_id, dtype="auto")
    return model.to(device).eval()
