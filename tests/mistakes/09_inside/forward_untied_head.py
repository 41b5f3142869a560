"""forward() uses a fresh random matrix as the head instead of the tied embedding."""
# ruff: noqa: F821  (the reference's functions arrive through globals() below)
import torch

from kata.plugin.adapters import reference_functions

globals().update(reference_functions("09_inside"))

CAUGHT_BY = 'first difference at head'


def forward(model, input_ids):
    body = model.model
    hidden = body.embed_tokens(input_ids)
    positions = torch.arange(input_ids.shape[1], device=input_ids.device).expand(input_ids.shape)
    cos, sin = rotary_cos_sin(model.config, positions, hidden.dtype, hidden.device)
    for layer in body.layers:
        hidden = decoder_layer(layer, hidden, cos, sin)
    hidden = rms_norm(hidden, body.norm.weight, body.norm.variance_epsilon)
    generator = torch.Generator().manual_seed(0)
    head = torch.randn(model.config.vocab_size, hidden.shape[-1], generator=generator).to(hidden)
    return hidden @ head.T
