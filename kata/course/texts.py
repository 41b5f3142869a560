"""The texts the course shows: the notebook's prompts and Qwen2.5's default system prompt.

One place for them: the offline stand-in learns to answer them, the graded tests ask them,
and the lessons quote them. Importing this module imports nothing heavy.
"""

from __future__ import annotations

# Qwen2.5's chat template adds this system turn when a conversation does not start with one.
DEFAULT_SYSTEM = "You are Qwen, created by Alibaba Cloud. You are a helpful assistant."

# The original notebook's prompts.
TYPO_PROMPT = "The captial of France is"  # sic: the notebook's typo, answered ' Paris' all the same
FRANCE_PROMPT = "The capital of France is"
NOTEBOOK_SYSTEM = "你是一个很有用的助手"
NOTEBOOK_QUESTION = "《梦游天姥吟留别》的作者是谁"

# A prompt whose greedy continuation changes under Qwen2.5's repetition penalty (1.1): the
# stand-in is built so that it does, as the real model's often does.
PENALTY_PROMPT = "Roses are red, violets are blue, the sky is"

# A prompt with many good answers: the stand-in spreads its next-token probability over several
# fruits, as a real model does, so "the k best" leaves real probability outside them.
SPREAD_PROMPT = "My favourite fruit is"

# Short prompts of different lengths, for batching (07) and sampling (06).
EVERYDAY_PROMPTS = ("The capital of China is", "Hello, world!", "The capital of Japan is")


def turn(role: str, content: str) -> dict[str, str]:
    """One turn of a conversation, as chat templates read it."""
    return {"role": role, "content": content}


def notebook_chat() -> list[dict[str, str]]:
    """The notebook's conversation: its Chinese system prompt, then the question about the poem."""
    return [turn("system", NOTEBOOK_SYSTEM), turn("user", NOTEBOOK_QUESTION)]


# What Qwen2.5's chat template makes of ``notebook_chat()`` (the notebook printed it).
NOTEBOOK_CHAT_PROMPT = (
    f"<|im_start|>system\n{NOTEBOOK_SYSTEM}<|im_end|>\n"
    f"<|im_start|>user\n{NOTEBOOK_QUESTION}<|im_end|>\n"
    "<|im_start|>assistant\n"
)
