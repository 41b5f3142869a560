"""Exercise 04_decode: choose the next token, then keep going.

Lesson: exercises/04_decode/README.md (中文: README.zh.md)
Check:  pytest exercises/04_decode     (or: kata check 04)
Hints:  kata hint 04

Each function gets everything it needs as arguments; do not load a model here.
"""

import torch


def argmax_token(logits: torch.Tensor) -> int:
    """The id of the highest score in `logits`, a 1-D tensor [vocab_size].

    Return a plain Python int (not a 0-d tensor), ready for `tokenizer.decode([id])`.
    """
    raise NotImplementedError("04_decode: implement argmax_token() — see exercises/04_decode/README.md, step 1")


def next_token(model, tokenizer, prompt: str) -> str:
    """The model's most likely next token after `prompt`, decoded to text.

    Only the new token, exactly as it reads in text, leading space included: for
    "The capital of France is" the real Qwen2.5 (and the offline stand-in) gives ' Paris'.
    """
    raise NotImplementedError("04_decode: implement next_token() — see exercises/04_decode/README.md, step 2")


def top_k_next(model, tokenizer, prompt: str, k: int = 5) -> list[tuple[str, float]]:
    """The `k` most likely next tokens after `prompt`, most likely first.

    Returns a list of k pairs (decoded token, probability). The probability is a Python float,
    the softmax of the last position's logits over the WHOLE vocabulary, so the k numbers
    sum to at most 1. For "The capital of France is" on the offline stand-in:
    [(' Paris', 0.997...), (' Tokyo', 0.0007...), ...].
    """
    raise NotImplementedError("04_decode: implement top_k_next() — see exercises/04_decode/README.md, step 3")


def greedy_generate(model, tokenizer, prompt: str, max_new_tokens: int) -> str:
    """Greedy decoding by hand, without any KV cache: the new text after `prompt`.

    At every step run the WHOLE sequence so far (prompt + the tokens chosen so far) through the
    model, take the argmax of the last position, append it. Stop after `max_new_tokens` new
    tokens, or right after the model produces an end-of-sequence token: any id in
    `model.generation_config.eos_token_id` (an int or a list of ints).

    Returns only the new text, decoded with `skip_special_tokens=True` (so a final
    <|im_end|> or <|endoftext|> does not appear in it). The tokens must be the ones
    `model.generate(..., do_sample=False, repetition_penalty=1.0, use_cache=False)` picks.
    """
    raise NotImplementedError("04_decode: implement greedy_generate() — see exercises/04_decode/README.md, step 4")
