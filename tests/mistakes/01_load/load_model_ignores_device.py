"""load_model() always uses pick_device(), whatever device it is given."""
from transformers import AutoModelForCausalLM

from kata.plugin.adapters import reference_functions

globals().update(reference_functions("01_load"))

CAUGHT_BY = "the device argument was ignored"


def load_model(model_id, device=None):
    model = AutoModelForCausalLM.from_pretrained(model_id, dtype="auto")
    return model.to(pick_device()).eval()
