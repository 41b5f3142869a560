"""Reference solution for 01_load: load the model and its tokenizer, and look inside."""

import torch
from transformers import AutoModelForCausalLM, AutoTokenizer


def pick_device() -> torch.device:
    """cuda if available, else mps if available, else cpu."""
    if torch.cuda.is_available():
        return torch.device("cuda")
    if torch.backends.mps.is_available():
        return torch.device("mps")
    return torch.device("cpu")


def load_tokenizer(model_id: str):
    """The checkpoint's own tokenizer, chat template and special tokens included."""
    return AutoTokenizer.from_pretrained(model_id)


def load_model(model_id: str, device: torch.device | str | None = None):
    """The checkpoint's model in its own dtype, on `device` (or `pick_device()`), in eval mode."""
    if device is None:
        device = pick_device()
    model = AutoModelForCausalLM.from_pretrained(model_id, dtype="auto")
    return model.to(device).eval()


def count_parameters(model) -> int:
    """Numbers held by the parameters; `parameters()` yields a shared (tied) tensor once."""
    return sum(p.numel() for p in model.parameters())


def describe(model) -> dict:
    """The model's vital numbers, read from its config and its parameters."""
    config = model.config
    heads = config.num_attention_heads
    head_dim = getattr(config, "head_dim", None) or config.hidden_size // heads
    first = next(model.parameters())
    return {
        "layers": config.num_hidden_layers,
        "hidden_size": config.hidden_size,
        "heads": heads,
        "kv_heads": config.num_key_value_heads,
        "head_dim": head_dim,
        "vocab_size": config.vocab_size,
        "dtype": first.dtype,
        "device": first.device,
    }
