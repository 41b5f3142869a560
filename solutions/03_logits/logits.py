"""Reference solution for 03_logits: from text to hidden states to logits."""

import torch


def encode(tokenizer, text: str, device) -> torch.Tensor:
    """Token ids of `text`, shape [1, T] (a batch of one), on `device`."""
    return tokenizer(text, return_tensors="pt").input_ids.to(device)


@torch.no_grad()
def hidden_states(model, input_ids: torch.Tensor) -> torch.Tensor:
    """The transformer body's output for `input_ids`: shape [1, T, hidden_size]."""
    return model.model(input_ids).last_hidden_state


@torch.no_grad()
def to_logits(model, hidden: torch.Tensor) -> torch.Tensor:
    """Scores for every vocabulary entry at every position: [1, T, vocab_size]."""
    return model.lm_head(hidden)


def last_token_logits(logits: torch.Tensor) -> torch.Tensor:
    """The scores for the token that comes next: the last position's row, shape [vocab_size]."""
    return logits[0, -1]
