"""load_model() builds the architecture from the config only: right shapes, random weights."""
from transformers import AutoConfig, AutoModelForCausalLM

from kata.plugin.adapters import reference_functions

globals().update(reference_functions("01_load"))

CAUGHT_BY = "from_config()"


def load_model(model_id, device=None):
    device = device or pick_device()
    config = AutoConfig.from_pretrained(model_id)
    model = AutoModelForCausalLM.from_config(config, dtype=config.dtype)
    return model.to(device).eval()
