"""chatml() handles a system turn only at the start and skips system turns later on."""
from kata.plugin.adapters import reference_functions

globals().update(reference_functions("02_chat"))

CAUGHT_BY = "a system turn later in the conversation was dropped"

DEFAULT = "You are Qwen, created by Alibaba Cloud. You are a helpful assistant."


def chatml(messages):
    system = messages[0]["content"] if messages[0]["role"] == "system" else DEFAULT
    text = f"<|im_start|>system\n{system}<|im_end|>\n"
    for m in messages:
        if m["role"] != "system":
            text += f"<|im_start|>{m['role']}\n{m['content']}<|im_end|>\n"
    return text + "<|im_start|>assistant\n"
