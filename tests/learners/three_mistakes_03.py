"""A learner's 03_logits with three distinct mistakes: encode() forgets the batch dimension (every
encode test fails for that one reason), hidden_states() returns the token embeddings, and
last_token_logits() takes the first position."""
import torch

from kata.plugin.adapters import reference_functions

globals().update(reference_functions("03_logits"))


def encode(tokenizer, text, device):
    return torch.tensor(tokenizer.encode(text), device=device)


def hidden_states(model, input_ids):
    return model.model(input_ids, output_hidden_states=True).hidden_states[0]


def last_token_logits(logits):
    return logits[0, 0]
