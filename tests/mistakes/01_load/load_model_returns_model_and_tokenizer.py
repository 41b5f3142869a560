"""load_model() returns (model, tokenizer), as the notebook cell did."""
from transformers import AutoModelForCausalLM, AutoTokenizer

from kata.plugin.adapters import reference_functions

globals().update(reference_functions("01_load"))

CAUGHT_BY = "return only the model"


def load_model(model_id, device=None):
    device = device or pick_device()
    model = AutoModelForCausalLM.from_pretrained(model_id, dtype="auto").to(device).eval()
    return model, AutoTokenizer.from_pretrained(model_id)
