"""forward() adds the stream around each layer again: hidden + decoder_layer(...)."""
# ruff: noqa: F821  (the reference's functions arrive through globals() below)
import torch

from kata.plugin.adapters import reference_functions

globals().update(reference_functions("09_inside"))

CAUGHT_BY = "first difference at layer 1's input"


def forward(model, input_ids):
    body = model.model
    hidden = body.embed_tokens(input_ids)
    positions = torch.arange(input_ids.shape[1], device=input_ids.device).expand(input_ids.shape)
    cos, sin = rotary_cos_sin(model.config, positions, hidden.dtype, hidden.device)
    for layer in body.layers:
        hidden = hidden + decoder_layer(layer, hidden, cos, sin)
    hidden = rms_norm(hidden, body.norm.weight, body.norm.variance_epsilon)
    return model.lm_head(hidden)
