"""A correct version that loads the model straight onto its device, as the notebook does.

load_model() passes device_map={"": device} to from_pretrained instead of moving the model with
.to(device); count_parameters() adds up each distinct tensor of named_parameters(remove_duplicate=False)
(a tied tensor appears twice there); describe() reads model.dtype and model.device.
"""
# ruff: noqa: F821  (the reference's names come from globals().update below)
import torch
from transformers import AutoModelForCausalLM

from kata.plugin.adapters import reference_functions

globals().update(reference_functions("01_load"))


def load_model(model_id, device=None):
    device = torch.device(device) if device is not None else pick_device()
    model = AutoModelForCausalLM.from_pretrained(model_id, dtype="auto", device_map={"": device})
    return model.eval()


def count_parameters(model):
    distinct = {id(p): p for _, p in model.named_parameters(remove_duplicate=False)}
    return sum(p.numel() for p in distinct.values())


def describe(model):
    config = model.config
    return {
        "layers": config.num_hidden_layers,
        "hidden_size": config.hidden_size,
        "heads": config.num_attention_heads,
        "kv_heads": config.num_key_value_heads,
        "head_dim": config.head_dim if getattr(config, "head_dim", None) else config.hidden_size // config.num_attention_heads,
        "vocab_size": config.vocab_size,
        "dtype": model.dtype,
        "device": model.device,
    }
