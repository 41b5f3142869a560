"""forward() gives the final norm the last layer's post-attention norm weight instead of model.model.norm.weight."""
# ruff: noqa: F821  (the reference's functions arrive through globals() below)
import torch

from kata.plugin.adapters import reference_functions

globals().update(reference_functions("09_inside"))

CAUGHT_BY = "first difference at final norm: your final norm is given another weight than model.model.norm.weight"


def forward(model, input_ids):
    body = model.model
    hidden = body.embed_tokens(input_ids)
    positions = torch.arange(input_ids.shape[1], device=input_ids.device).expand(input_ids.shape)
    cos, sin = rotary_cos_sin(model.config, positions, hidden.dtype, hidden.device)
    for layer in body.layers:
        hidden = decoder_layer(layer, hidden, cos, sin)
    last = body.layers[-1].post_attention_layernorm
    return model.lm_head(rms_norm(hidden, last.weight, body.norm.variance_epsilon))
