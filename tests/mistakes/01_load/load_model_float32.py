"""load_model() casts the weights to float32 (the transformers 4 default without dtype="auto")."""
import torch
from transformers import AutoModelForCausalLM

from kata.plugin.adapters import reference_functions

globals().update(reference_functions("01_load"))

CAUGHT_BY = "twice the memory"


def load_model(model_id, device=None):
    device = device or pick_device()
    model = AutoModelForCausalLM.from_pretrained(model_id, dtype=torch.float32)
    return model.to(device).eval()
