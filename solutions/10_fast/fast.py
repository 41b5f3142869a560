"""Reference solution for 10_fast: The gpt-fast recipe: a static cache, one compiled graph, int8 weights"""

import copy

import torch
import torch.nn.functional as F
from torch import nn
from transformers.models.qwen2.modeling_qwen2 import apply_rotary_pos_emb

PROJECTIONS = ("self_attn.q_proj", "self_attn.k_proj", "self_attn.v_proj", "self_attn.o_proj",
               "mlp.gate_proj", "mlp.up_proj", "mlp.down_proj")


def _head_dim(config):
    return getattr(config, "head_dim", None) or config.hidden_size // config.num_attention_heads


class StaticKVCache:
    """Keys and values of every layer in buffers allocated once, written in place."""

    def __init__(self, config, batch_size: int, max_len: int, dtype, device):
        limit = config.max_position_embeddings
        if batch_size < 1 or not 1 <= max_len <= limit:
            raise ValueError(f"StaticKVCache needs batch_size >= 1 and 1 <= max_len <= {limit} "
                             f"(max_position_embeddings): got batch_size={batch_size}, max_len={max_len}")
        self.batch_size, self.max_len = batch_size, max_len
        shape = (batch_size, config.num_key_value_heads, max_len, _head_dim(config))
        self.k = [torch.zeros(shape, dtype=dtype, device=device) for _ in range(config.num_hidden_layers)]
        self.v = [torch.zeros(shape, dtype=dtype, device=device) for _ in range(config.num_hidden_layers)]
        for buffer in (*self.k, *self.v):  # CUDA graphs may read them in place, without a copy per replay
            torch._dynamo.mark_static_address(buffer, guard=False)

    def update(self, layer: int, positions, k, v):
        # index_copy_ writes in place: the buffers keep their storage, so a compiled graph (and a
        # CUDA graph) can read them at the same address every step.
        self.k[layer].index_copy_(2, positions, k)
        self.v[layer].index_copy_(2, positions, v)
        return self.k[layer], self.v[layer]


def causal_mask(positions, max_len: int) -> torch.Tensor:
    slots = torch.arange(max_len, device=positions.device)
    return slots[None, :] <= positions[:, None]


def _check_cache(config, cache, input_ids):
    """Shapes only: each is a constant when compiled (checked while tracing), so no graph break."""
    want = (config.num_hidden_layers, config.num_key_value_heads, _head_dim(config))
    have = (len(cache.k), cache.k[0].shape[1], cache.k[0].shape[3])
    if have != want:
        raise ValueError(f"this cache is built for another model: (layers, kv_heads, head_dim) = {have}, "
                         f"the model has {want}")
    if input_ids.shape[0] != cache.k[0].shape[0]:
        raise ValueError(f"input_ids has batch {input_ids.shape[0]}, the cache was built for batch "
                         f"{cache.k[0].shape[0]}")


def forward_static(model, cache, input_ids, positions) -> torch.Tensor:
    config, body = model.config, model.model
    _check_cache(config, cache, input_ids)
    batch, T = input_ids.shape
    head_dim = _head_dim(config)
    hidden = body.embed_tokens(input_ids)
    cos, sin = body.rotary_emb(hidden, positions[None, :])
    mask = causal_mask(positions, cache.k[0].shape[2])  # [T, max_len]: the same shape every decode step
    for i, layer in enumerate(body.layers):
        attn = layer.self_attn
        x = layer.input_layernorm(hidden)
        q, k, v = (p(x).view(batch, T, -1, head_dim).transpose(1, 2) for p in (attn.q_proj, attn.k_proj, attn.v_proj))
        q, k = apply_rotary_pos_emb(q, k, cos, sin)
        k, v = cache.update(i, positions, k, v)
        # enable_gqa: query head h reads kv head h // (heads // kv_heads) where it lies, instead of
        # repeat_interleave copying the whole max_len buffer for every layer at every step.
        out = F.scaled_dot_product_attention(q, k, v, attn_mask=mask, enable_gqa=True)
        hidden = hidden + attn.o_proj(out.transpose(1, 2).reshape(batch, T, -1))
        hidden = hidden + layer.mlp(layer.post_attention_layernorm(hidden))
    return model.lm_head(body.norm(hidden))


def _eos_set(eos_token_id) -> set[int]:
    if eos_token_id is None:
        return set()
    return {eos_token_id} if isinstance(eos_token_id, int) else set(eos_token_id)


@torch.no_grad()
def generate_static(model, input_ids, max_new_tokens: int, eos_token_id=None, step=None) -> torch.Tensor:
    step = forward_static if step is None else step
    if input_ids.dim() != 2 or input_ids.shape[0] != 1 or input_ids.shape[1] < 1:
        raise ValueError(f"generate_static decodes one prompt: input_ids must be [1, T] with T >= 1, "
                         f"got {list(input_ids.shape)}")
    T, limit = input_ids.shape[1], model.config.max_position_embeddings
    if max_new_tokens < 0 or T + max_new_tokens > limit:
        raise ValueError(f"prompt {T} + max_new_tokens {max_new_tokens} must fit in max_position_embeddings {limit}")
    if max_new_tokens == 0:
        return input_ids.new_empty(1, 0)
    eos = _eos_set(eos_token_id)
    cache = StaticKVCache(model.config, 1, T + max_new_tokens, model.dtype, input_ids.device)
    logits = step(model, cache, input_ids, torch.arange(T, device=input_ids.device))
    token = logits[:, -1].argmax(-1, keepdim=True)  # [1, 1], a new tensor: safe across graph replays
    new = [token]
    position = torch.tensor([T], device=input_ids.device)
    while len(new) < max_new_tokens and int(token) not in eos:
        logits = step(model, cache, token, position)
        token = logits[:, -1].argmax(-1, keepdim=True)
        new.append(token)
        position = position + 1  # a tensor of the same shape: the same graph every step
    return torch.cat(new, dim=1)


def compile_step(step=None, backend: str = "inductor", mode: str | None = None):
    step = forward_static if step is None else step
    return torch.compile(step, backend=backend, mode=mode, fullgraph=True, dynamic=False)


def quantize_int8(weight) -> tuple[torch.Tensor, torch.Tensor]:
    w = weight.detach().float()
    scale = w.abs().amax(dim=1) / 127
    scale = torch.where(scale == 0, torch.ones_like(scale), scale)
    q = torch.round(w / scale[:, None]).clamp(-127, 127).to(torch.int8)
    return q, scale


class Int8Linear(nn.Module):
    """A Linear whose weight is int8 with one scale per output row."""

    def __init__(self, weight, scale, bias=None):
        super().__init__()
        self.out_features, self.in_features = weight.shape
        self.register_buffer("weight", weight)
        self.register_buffer("scale", scale)
        self.register_buffer("bias", bias)

    @classmethod
    def from_linear(cls, linear):
        q, scale = quantize_int8(linear.weight)
        dtype = linear.weight.dtype  # the scales in the model's dtype: 2 bytes per row, not 4
        bias = None if linear.bias is None else linear.bias.detach().clone()
        return cls(q, scale.to(dtype), bias)

    def forward(self, x):
        weight = self.weight.to(x.dtype)
        if x.shape[:-1].numel() == 1:
            # One row (a decode step): the product as a multiply and a sum. Compiled, the int8-to-float
            # conversion fuses into that reduction and each weight is read as 1 byte; F.linear would
            # first write a float copy of the whole weight and read it back.
            out = (x.unsqueeze(-2) * weight).sum(-1)
        else:
            out = F.linear(x, weight)
        out = out * self.scale.to(x.dtype)
        return out if self.bias is None else out + self.bias.to(x.dtype)


def quantize_model(model):
    quantized = copy.deepcopy(model)
    for layer in quantized.model.layers:
        for path in PROJECTIONS:
            parent, name = path.split(".")
            part = getattr(layer, parent)
            setattr(part, name, Int8Linear.from_linear(getattr(part, name)))
    return quantized
