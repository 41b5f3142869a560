"""Exercise 10_fast: the gpt-fast recipe: a static cache, one compiled graph, int8 weights.

Lesson: exercises/10_fast/README.md (中文: README.zh.md)
Check:  pytest exercises/10_fast     (or: kata check 10)
Hints:  kata hint 10

What 09 built by hand is now a given: call the model's leaf pieces (`model.model.embed_tokens`,
`layer.input_layernorm`, `layer.self_attn.q_proj` / `k_proj` / `v_proj` / `o_proj`,
`layer.post_attention_layernorm`, `layer.mlp`, `model.model.norm`, `model.lm_head`,
`model.model.rotary_emb(x, position_ids)`) and `apply_rotary_pos_emb` (imported below). You own the
cache and the attention: never call `model(...)`, `model.model(...)`, `layer(...)` or
`layer.self_attn(...)` (the tests watch for them).

Static means: no shape and no Python value inside the step depends on how far the generation has
got. The position is a tensor, the cache never changes size or address. Read every size from the
model or its config; the tests run on models of different sizes.
"""

import copy  # noqa: F401  (quantize_model works on a copy)

import torch
import torch.nn.functional as F  # noqa: F401  (F.scaled_dot_product_attention, F.linear)
from torch import nn
from transformers.models.qwen2.modeling_qwen2 import apply_rotary_pos_emb  # noqa: F401


class StaticKVCache:
    """The keys and values of every layer, in buffers allocated once and written in place."""

    def __init__(self, config, batch_size: int, max_len: int, dtype, device):
        """Allocate, per layer, `self.k[layer]` and `self.v[layer]`: zeros of
        [batch_size, config.num_key_value_heads, max_len, head_dim] in `dtype` on `device`
        (head_dim: config.head_dim when the config sets it, else hidden_size // num_attention_heads).
        Keep `self.batch_size` and `self.max_len`.

        Raise ValueError, naming the sizes, when batch_size < 1, max_len < 1 or
        max_len > config.max_position_embeddings.
        """
        raise NotImplementedError("10_fast: implement StaticKVCache() — see exercises/10_fast/README.md, step 1")

    def update(self, layer: int, positions, k, v) -> tuple[torch.Tensor, torch.Tensor]:
        """Write k and v ([batch, kv_heads, T, head_dim]) into layer `layer`'s buffers at the sequence
        slots `positions` (LongTensor [T], any order), IN PLACE, and return (self.k[layer], self.v[layer]):
        the same tensor objects, with the same storage, on every call. No checks here: update runs inside
        the compiled step.
        """
        raise NotImplementedError("10_fast: implement StaticKVCache() — see exercises/10_fast/README.md, step 1")


def causal_mask(positions, max_len: int) -> torch.Tensor:
    """bool [T, max_len] on positions' device: True where key slot j <= positions[t] (query t may see slot j)."""
    raise NotImplementedError("10_fast: implement causal_mask() — see exercises/10_fast/README.md, step 2")


def forward_static(model, cache, input_ids, positions) -> torch.Tensor:
    """Qwen2's forward over a StaticKVCache: logits [batch, T, vocab] for input_ids [batch, T] at
    `positions` (LongTensor [T], the same for every row).

    From the leaf pieces: embedding; rotary cos/sin of `positions`; per layer, pre-norm attention whose
    k and v go through `cache.update` and which attends over the WHOLE buffer with `causal_mask`
    (F.scaled_dot_product_attention; each query head reads its group's kv head), then the pre-norm MLP;
    final norm; lm_head.

    Before any layer runs, raise ValueError when the cache does not fit the model (another number of
    layers, kv heads or head_dim) or input_ids' batch is not the cache's. Shapes are constants in a
    compiled graph, so these checks cost nothing there; never read a tensor's VALUE in Python here.
    """
    raise NotImplementedError("10_fast: implement forward_static() — see exercises/10_fast/README.md, step 3")


def generate_static(model, input_ids, max_new_tokens: int, eos_token_id=None, step=None) -> torch.Tensor:
    """Greedy decoding over ONE StaticKVCache: the new ids [1, n], n <= max_new_tokens.

    input_ids: [1, T]. The cache is sized T + max_new_tokens, in the model's dtype, allocated once.
    Prefill: step(model, cache, input_ids, positions 0..T-1); then one
    step(model, cache, token [1, 1], position [1]) per new token (`step` defaults to forward_static).
    Stops after the first eos (an int or a list of ints; None: never), which is included.
    Raise ValueError before any step when input_ids is not [1, T] with T >= 1, or when
    T + max_new_tokens > config.max_position_embeddings.
    """
    raise NotImplementedError("10_fast: implement generate_static() — see exercises/10_fast/README.md, step 4")


def compile_step(step=None, backend: str = "inductor", mode: str | None = None):
    """`step` (default: forward_static) through torch.compile with fullgraph=True and static shapes
    (dynamic=False), with `backend` and `mode` passed on. Returns the compiled callable."""
    raise NotImplementedError("10_fast: implement compile_step() — see exercises/10_fast/README.md, step 5")


def quantize_int8(weight) -> tuple[torch.Tensor, torch.Tensor]:
    """weight [out, in] (any float dtype) -> (q int8 [out, in], scale float32 [out]).

    Symmetric, one scale per output row: scale = max|row| / 127 (1 for a row of zeros),
    q = round(weight / scale) clamped to [-127, 127], computed in float32.
    Then |weight - q * scale| <= scale / 2 everywhere.
    """
    raise NotImplementedError("10_fast: implement quantize_int8() — see exercises/10_fast/README.md, step 6")


class Int8Linear(nn.Module):
    """A drop-in for nn.Linear whose weight is int8, one scale per output row."""

    def __init__(self, weight, scale, bias=None):
        """Keep weight (int8 [out, in]), scale ([out]) and bias ([out] or None) as BUFFERS
        (register_buffer: they move with .to() and are not trained), and in_features / out_features."""
        raise NotImplementedError("10_fast: implement Int8Linear() — see exercises/10_fast/README.md, step 7")

    @classmethod
    def from_linear(cls, linear) -> "Int8Linear":
        """An Int8Linear from an nn.Linear: its weight through quantize_int8, the scale stored in the
        linear's dtype (2 bytes per row in bf16), a copy of its bias. The linear is left as it is."""
        raise NotImplementedError("10_fast: implement Int8Linear() — see exercises/10_fast/README.md, step 7")

    def forward(self, x) -> torch.Tensor:
        """x [..., in] -> [..., out] in x's dtype: x times the int8 weight converted to x's dtype, each
        output column times its row's scale, plus the bias. With one row (a decode step), how you write
        the product decides whether a compiler can fuse the conversion into it: step 7 explains."""
        raise NotImplementedError("10_fast: implement Int8Linear() — see exercises/10_fast/README.md, step 7")


def quantize_model(model):
    """A quantised COPY of model (the model itself is left as it is): in every decoder layer, the
    projections q, k, v, o (self_attn) and gate, up, down (mlp) become Int8Linear; the embedding and
    the tied lm_head stay as they are."""
    raise NotImplementedError("10_fast: implement quantize_model() — see exercises/10_fast/README.md, step 8")
