"""A correct version that reads the hidden states from the whole model's output.

encode() uses tokenizer.encode; hidden_states() asks the full model for output_hidden_states and
takes the last entry (after the final norm); to_logits() multiplies by lm_head's weight itself;
last_token_logits() indexes the last row with negative indexing on a squeezed tensor.
"""
import torch

from kata.plugin.adapters import reference_functions

globals().update(reference_functions("03_logits"))


def encode(tokenizer, text, device):
    return torch.tensor([tokenizer.encode(text)], device=device)


@torch.no_grad()
def hidden_states(model, input_ids):
    return model(input_ids, output_hidden_states=True).hidden_states[-1]


@torch.no_grad()
def to_logits(model, hidden):
    return hidden @ model.lm_head.weight.T


def last_token_logits(logits):
    return logits.squeeze(0)[-1]
