"""Reference solution for 02_chat: plain prompt vs chat template."""

import torch

DEFAULT_SYSTEM = "You are Qwen, created by Alibaba Cloud. You are a helpful assistant."


def make_messages(user: str, system: str | None = None) -> list[dict[str, str]]:
    """A one-question conversation, after a system turn when `system` is given."""
    messages = [{"role": "user", "content": user}]
    if system is not None:
        messages.insert(0, {"role": "system", "content": system})
    return messages


def render_chat(tokenizer, messages: list[dict[str, str]]) -> str:
    """The prompt string the tokenizer's own chat template makes, ending with the generation prompt."""
    return tokenizer.apply_chat_template(messages, tokenize=False, add_generation_prompt=True)


def chatml(messages: list[dict[str, str]]) -> str:
    """The same string as render_chat, built by hand in Qwen's ChatML format."""
    if not messages or messages[0]["role"] != "system":
        messages = [{"role": "system", "content": DEFAULT_SYSTEM}, *messages]
    turns = "".join(f"<|im_start|>{m['role']}\n{m['content']}<|im_end|>\n" for m in messages)
    return turns + "<|im_start|>assistant\n"


def encode_chat(tokenizer, messages: list[dict[str, str]]) -> dict[str, torch.Tensor]:
    """input_ids and attention_mask of the chat prompt, each [1, T], on the CPU."""
    return tokenizer.apply_chat_template(
        messages, add_generation_prompt=True, return_dict=True, return_tensors="pt"
    )


@torch.no_grad()
def answer(model, tokenizer, question: str, system: str | None = None, max_new_tokens: int = 32) -> str:
    """The model's greedy answer to `question` through the chat template: the new text only."""
    enc = encode_chat(tokenizer, make_messages(question, system)).to(model.device)
    out = model.generate(**enc, do_sample=False, max_new_tokens=max_new_tokens)
    new_ids = out[0, enc["input_ids"].shape[1]:]
    return tokenizer.decode(new_ids, skip_special_tokens=True)
