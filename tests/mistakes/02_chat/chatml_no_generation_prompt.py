"""chatml() stops after the last turn: no generation prompt."""
from kata.plugin.adapters import reference_functions

globals().update(reference_functions("02_chat"))

CAUGHT_BY = "the generation prompt is missing"

DEFAULT = "You are Qwen, created by Alibaba Cloud. You are a helpful assistant."


def chatml(messages):
    if messages[0]["role"] != "system":
        messages = [{"role": "system", "content": DEFAULT}, *messages]
    return "".join(f"<|im_start|>{m['role']}\n{m['content']}<|im_end|>\n" for m in messages)
