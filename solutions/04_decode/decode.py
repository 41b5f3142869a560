"""Reference solution for 04_decode: choose the next token, then keep going."""

import torch


def argmax_token(logits: torch.Tensor) -> int:
    """The id of the highest score in `logits`, a 1-D tensor [vocab_size], as a Python int."""
    return int(logits.argmax())


@torch.no_grad()
def _next_logits(model, tokenizer, prompt: str) -> torch.Tensor:
    """The last position's logits for `prompt`: [vocab_size]."""
    ids = tokenizer(prompt, return_tensors="pt").input_ids.to(model.device)
    return model(ids).logits[0, -1]


def next_token(model, tokenizer, prompt: str) -> str:
    """The model's most likely next token after `prompt`, decoded, leading space included."""
    return tokenizer.decode([argmax_token(_next_logits(model, tokenizer, prompt))])


def top_k_next(model, tokenizer, prompt: str, k: int = 5) -> list[tuple[str, float]]:
    """The `k` most likely next tokens with their probabilities over the whole vocabulary."""
    probs = torch.softmax(_next_logits(model, tokenizer, prompt).float(), dim=-1)
    top = torch.topk(probs, k)
    return [(tokenizer.decode([i]), p) for p, i in zip(top.values.tolist(), top.indices.tolist())]


@torch.no_grad()
def greedy_generate(model, tokenizer, prompt: str, max_new_tokens: int) -> str:
    """Greedy decoding without a cache; the new text only, special tokens skipped."""
    eos = model.generation_config.eos_token_id
    eos_ids = {eos} if isinstance(eos, int) else set(eos or [])
    ids = tokenizer(prompt, return_tensors="pt").input_ids.to(model.device)
    new_ids = []
    for _ in range(max_new_tokens):
        logits = model(ids, use_cache=False).logits[0, -1]  # the whole sequence, every step
        token = argmax_token(logits)
        new_ids.append(token)
        ids = torch.cat([ids, ids.new_tensor([[token]])], dim=1)
        if token in eos_ids:
            break
    return tokenizer.decode(new_ids, skip_special_tokens=True)
