"""Exercise 07_batch: many prompts in one forward pass.

Lesson: exercises/07_batch/README.md (中文: README.zh.md)
Check:  pytest exercises/07_batch     (or: kata check 07)
Hints:  kata hint 07

Each function gets everything it needs as arguments; do not load a model here.
Run the model inside `torch.no_grad()` (or decorate the function with `@torch.no_grad()`).
"""

import torch


def pad_batch(tokenizer, prompts: list[str]) -> dict[str, torch.Tensor]:
    """Tokenize several prompts of different lengths into ONE rectangular batch.

    Returns {"input_ids": [B, T], "attention_mask": [B, T]} (tensors), T the longest prompt's
    length. Shorter prompts are padded on the LEFT with `tokenizer.pad_token_id`, so that every
    row ends with its own last real token; the mask is 1 on real tokens, 0 on padding.

    The tokenizer is shared (the rest of your program and the tests use it too) and pads on the
    right by default: ask for left padding in this call only, never by editing
    `tokenizer.padding_side`.
    """
    raise NotImplementedError("07_batch: implement pad_batch() — see exercises/07_batch/README.md, step 1")


def position_ids_from_mask(attention_mask) -> torch.Tensor:
    """Each token's position within its OWN prompt, from an attention mask [B, T] of 1s and 0s.

    Returns a [B, T] integer tensor (on the mask's device): 0 at each row's first real token,
    then +1 for every further real token (padding is not counted). The values at padding
    positions do not matter (the mask hides them); any integer will do.

    Example: mask [[0, 0, 1, 1, 1],     positions [[?, ?, 0, 1, 2],
                   [1, 1, 1, 1, 1]]  ->             [0, 1, 2, 3, 4]]
    """
    raise NotImplementedError("07_batch: implement position_ids_from_mask() — see exercises/07_batch/README.md, step 2")


def batched_last_logits(model, batch) -> torch.Tensor:
    """The next-token scores of every prompt in a padded batch, in one forward pass.

    batch: {"input_ids": [B, T], "attention_mask": [B, T]}, padded on either side.
    Returns [B, vocab_size]: row i is what `model` gives after prompt i's LAST REAL token, the
    same scores (up to bf16 rounding) as running prompt i alone. Move the tensors to
    `model.device`; pass the attention mask (and the position ids) to the model.
    """
    raise NotImplementedError("07_batch: implement batched_last_logits() — see exercises/07_batch/README.md, step 3")


def generate_batch(model, tokenizer, prompts: list[str], max_new_tokens: int, eos_token_id=None) -> list[str]:
    """Greedy continuations of several prompts at once, with one KV cache for the whole batch.

    prompts:        B prompts, of different lengths (pad them with `pad_batch`, on model.device).
    max_new_tokens: the most new tokens per prompt.
    eos_token_id:   None (never stop early), one id, or a list of ids: a row that produces one of
                    them has finished (that token is part of its result).
    Returns B strings: the NEW text of each prompt only, decoded with skip_special_tokens=True.
    Text i equals what `model.generate(**batch, do_sample=False, repetition_penalty=1.0,
    max_new_tokens=..., eos_token_id=...)` adds to row i of the same padded batch.

    Cost: one forward pass of the whole [B, T] batch (prefill), then ONE pass of [B, 1] per step
    for all rows together. A row that has finished keeps its seat but is fed padding
    (`tokenizer.pad_token_id`), so its text stops growing; stop when every row has finished or
    after max_new_tokens steps.
    """
    raise NotImplementedError("07_batch: implement generate_batch() — see exercises/07_batch/README.md, step 4")
