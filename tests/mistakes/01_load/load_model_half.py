"""load_model() calls .half() to save memory, turning bfloat16 into float16."""
from transformers import AutoModelForCausalLM

from kata.plugin.adapters import reference_functions

globals().update(reference_functions("01_load"))

CAUGHT_BY = "float16 is not bfloat16"


def load_model(model_id, device=None):
    device = device or pick_device()
    model = AutoModelForCausalLM.from_pretrained(model_id, dtype="auto")
    return model.half().to(device).eval()
