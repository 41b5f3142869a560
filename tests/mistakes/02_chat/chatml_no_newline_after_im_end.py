"""chatml() ends each turn with '<|im_end|>' but without the newline after it."""
from kata.plugin.adapters import reference_functions

globals().update(reference_functions("02_chat"))

CAUGHT_BY = "the newline after <|im_end|> is missing"

DEFAULT = "You are Qwen, created by Alibaba Cloud. You are a helpful assistant."


def chatml(messages):
    if messages[0]["role"] != "system":
        messages = [{"role": "system", "content": DEFAULT}, *messages]
    text = "".join(f"<|im_start|>{m['role']}\n{m['content']}<|im_end|>" for m in messages)
    return text + "<|im_start|>assistant\n"
