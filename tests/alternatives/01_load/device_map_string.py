"""A correct version that loads with device_map=device (a string or torch.device, as given).

The notebook's own loader: from_pretrained(model_id, dtype="auto", device_map=device), then .eval().
"""
# ruff: noqa: F821  (the reference's names come from globals().update below)
from transformers import AutoModelForCausalLM

from kata.plugin.adapters import reference_functions

globals().update(reference_functions("01_load"))


def load_model(model_id, device=None):
    if device is None:
        device = pick_device()
    return AutoModelForCausalLM.from_pretrained(model_id, dtype="auto", device_map=device).eval()
