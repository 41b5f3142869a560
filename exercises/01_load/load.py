"""Exercise 01_load: load the model and its tokenizer on a suitable device, and look inside.

Lesson: exercises/01_load/README.md (中文: README.zh.md)
Check:  pytest exercises/01_load     (or: kata check 01)
Hints:  kata hint 01

`model_id` is what `from_pretrained` takes: a hub name such as "Qwen/Qwen2.5-0.5B-Instruct" or
a local directory. The tests always pass a local directory, so nothing is downloaded.
"""

import torch


def pick_device() -> torch.device:
    """The best device this machine has, as a `torch.device` (not a string).

    `torch.device("cuda")` if an NVIDIA GPU is available, else `torch.device("mps")` if an Apple
    GPU is available, else `torch.device("cpu")`. Ask torch with `torch.cuda.is_available()` and
    `torch.backends.mps.is_available()`.
    """
    raise NotImplementedError("01_load: implement pick_device() — see exercises/01_load/README.md, step 1")


def load_tokenizer(model_id: str):
    """The checkpoint's own tokenizer (a `PreTrainedTokenizerBase`), chat template and special
    tokens included, exactly as the checkpoint defines them."""
    raise NotImplementedError("01_load: implement load_tokenizer() — see exercises/01_load/README.md, step 2")


def load_model(model_id: str, device: torch.device | str | None = None):
    """The causal language model (a `PreTrainedModel`) stored at `model_id`, ready for inference.

    - its weights keep the checkpoint's own dtype (bfloat16 for Qwen2.5): no cast to float32
      or float16;
    - it lives on `device` (a `torch.device` or a string such as "cpu"); when `device` is None,
      on `pick_device()`;
    - it is in evaluation mode (`model.training` is False).
    """
    raise NotImplementedError("01_load: implement load_model() — see exercises/01_load/README.md, step 3")


def count_parameters(model) -> int:
    """How many numbers (not tensors) the model's parameters hold, as a Python int.

    Every parameter counts, whether or not it requires a gradient, and a tensor shared by two
    modules counts once: Qwen2.5 ties `lm_head.weight` to `model.embed_tokens.weight`, so the
    real model has 494,032,768 parameters, not 494,032,768 + 151,936 x 896.
    """
    raise NotImplementedError("01_load: implement count_parameters() — see exercises/01_load/README.md, step 4")


def describe(model) -> dict:
    """The model's vital numbers, read from `model.config` and the model itself (never typed in).

    Returns a dict with (at least) these keys:
      layers       int          number of decoder layers (config.num_hidden_layers)
      hidden_size  int          width of every hidden state vector
      heads        int          attention (query) heads per layer
      kv_heads     int          key/value heads per layer (fewer than `heads` with grouped-query attention)
      head_dim     int          width of one head: config.head_dim where the config sets it,
                                else hidden_size // heads
      vocab_size   int          rows of the embedding matrix (config.vocab_size)
      dtype        torch.dtype  the dtype the parameters have now, e.g. torch.bfloat16
      device       torch.device where the parameters are now, e.g. torch.device("cpu")
    """
    raise NotImplementedError("01_load: implement describe() — see exercises/01_load/README.md, step 5")
