"""Exercise 02_chat: plain prompt vs chat template.

Lesson: exercises/02_chat/README.md (中文: README.zh.md)
Check:  pytest exercises/02_chat     (or: kata check 02)
Hints:  kata hint 02

Each function gets everything it needs as arguments; do not load a model here.
A conversation ("messages") is a list of turns, each a dict {"role": ..., "content": ...}
whose role is "system", "user" or "assistant".
"""

import torch


def make_messages(user: str, system: str | None = None) -> list[dict[str, str]]:
    """A one-question conversation: [{"role": "user", "content": user}].

    When `system` is given (not None), a system turn {"role": "system", "content": system}
    comes first. When it is None there is no system turn at all: the chat template then puts
    in the model's default system prompt by itself.
    """
    raise NotImplementedError("02_chat: implement make_messages() — see exercises/02_chat/README.md, step 1")


def render_chat(tokenizer, messages: list[dict[str, str]]) -> str:
    """The prompt string the tokenizer's OWN chat template makes of `messages`.

    It ends with the generation prompt, the opening of the assistant's turn
    ("<|im_start|>assistant\\n" for Qwen), so that the model's next tokens are its answer.
    Return a str, not token ids.
    """
    raise NotImplementedError("02_chat: implement render_chat() — see exercises/02_chat/README.md, step 2")


def chatml(messages: list[dict[str, str]]) -> str:
    """The same string as render_chat, built by hand in Qwen's ChatML format (no tokenizer).

    Works for any list of system/user/assistant turns:
    - every turn is "<|im_start|>{role}\\n{content}<|im_end|>\\n", in order;
    - when the first turn is not a system turn, a system turn with Qwen's default system prompt
      "You are Qwen, created by Alibaba Cloud. You are a helpful assistant." goes first;
    - the string ends with the generation prompt "<|im_start|>assistant\\n".
    Must equal render_chat(tokenizer, messages) for every conversation.
    """
    raise NotImplementedError("02_chat: implement chatml() — see exercises/02_chat/README.md, step 3")


def encode_chat(tokenizer, messages: list[dict[str, str]]) -> dict[str, torch.Tensor]:
    """The chat prompt (with the generation prompt) as model input.

    Returns a mapping (a dict, or the tokenizer's BatchEncoding) with two torch tensors:
    - "input_ids": the chat template's token ids, shape [1, T], dtype torch.long;
    - "attention_mask": ones, shape [1, T].
    Tensors on the CPU are fine (the tokenizer makes them there); the caller moves them to the
    model's device before `model.generate(**enc)`.
    """
    raise NotImplementedError("02_chat: implement encode_chat() — see exercises/02_chat/README.md, step 4")


def answer(model, tokenizer, question: str, system: str | None = None, max_new_tokens: int = 32) -> str:
    """The model's greedy answer to `question` asked through the chat template.

    - the conversation is the question, after the system prompt `system` when one is given;
    - greedy: no sampling, so the same question always gets the same answer (either with the
      checkpoint's own repetition_penalty or with repetition_penalty=1.0: both are accepted);
    - at most `max_new_tokens` new tokens;
    - returns only the new text (not the prompt), with special tokens such as <|im_end|> removed.
    The input ids must be on the model's device (`model.device`).
    """
    raise NotImplementedError("02_chat: implement answer() — see exercises/02_chat/README.md, step 5")
