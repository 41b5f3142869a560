"""Exercise 03_logits: from text to hidden states to logits.

Lesson: exercises/03_logits/README.md (中文: README.zh.md)
Check:  pytest exercises/03_logits     (or: kata check 03)
Hints:  kata hint 03

Each function gets everything it needs as arguments; do not load a model here.
"""

import torch


def encode(tokenizer, text: str, device) -> torch.Tensor:
    """Token ids of `text`, shape [1, T] (a batch of one), on `device`."""
    raise NotImplementedError("03_logits: implement encode() — see exercises/03_logits/README.md, step 1")


def hidden_states(model, input_ids: torch.Tensor) -> torch.Tensor:
    """The transformer body's output for `input_ids`: shape [1, T, hidden_size].

    Use `model.model` (the stack of decoder layers and the final norm), not the whole
    `model`: no language-model head yet.
    """
    raise NotImplementedError("03_logits: implement hidden_states() — see exercises/03_logits/README.md, step 2")


def to_logits(model, hidden: torch.Tensor) -> torch.Tensor:
    """Scores for every vocabulary entry at every position: [1, T, vocab_size], via `model.lm_head`."""
    raise NotImplementedError("03_logits: implement to_logits() — see exercises/03_logits/README.md, step 3")


def last_token_logits(logits: torch.Tensor) -> torch.Tensor:
    """The scores for the token that comes next: the last position's row, shape [vocab_size]."""
    raise NotImplementedError("03_logits: implement last_token_logits() — see exercises/03_logits/README.md, step 4")
