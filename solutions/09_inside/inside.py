"""Reference solution for 09_inside: one forward pass of Qwen2, rebuilt from its weights."""

import torch
import torch.nn.functional as F


def rms_norm(x, weight, eps: float) -> torch.Tensor:
    """Qwen2RMSNorm: x / sqrt(mean(x²) + eps) over the hidden axis, in float32, cast back, then * weight."""
    dtype = x.dtype
    x32 = x.to(torch.float32)  # bf16 squares lose precision (and fp16 ones overflow): sum them in float32
    variance = x32.pow(2).mean(-1, keepdim=True)
    return weight * (x32 * torch.rsqrt(variance + eps)).to(dtype)  # the weight multiplies AFTER the cast back


def rotary_cos_sin(config, position_ids, dtype, device) -> tuple[torch.Tensor, torch.Tensor]:
    """cos and sin [batch, T, head_dim] of the rotation angles position * base^(-2i/head_dim)."""
    head_dim = getattr(config, "head_dim", None) or config.hidden_size // config.num_attention_heads
    base = config.rope_parameters["rope_theta"]
    # One frequency per PAIR of dimensions: head_dim/2 of them, from 1 (fast) down to about 1/base (slow).
    inv_freq = 1.0 / (base ** (torch.arange(0, head_dim, 2, dtype=torch.float32, device=device) / head_dim))
    angles = position_ids.to(device=device, dtype=torch.float32)[..., None] * inv_freq  # [batch, T, head_dim/2]
    angles = torch.cat((angles, angles), dim=-1)  # dimension i and i + head_dim/2 turn by the same angle
    return angles.cos().to(dtype), angles.sin().to(dtype)


def _rotate_half(x):
    """(x1, x2) -> (-x2, x1): the 90° turn of each pair (x[i], x[i + head_dim/2])."""
    x1, x2 = x.chunk(2, dim=-1)
    return torch.cat((-x2, x1), dim=-1)


def apply_rotary(q, k, cos, sin) -> tuple[torch.Tensor, torch.Tensor]:
    """Rotate every pair of q and k by its position's angle: x*cos + rotate_half(x)*sin."""
    cos, sin = cos.unsqueeze(1), sin.unsqueeze(1)  # [batch, 1, T, head_dim]: the same angles for every head
    return q * cos + _rotate_half(q) * sin, k * cos + _rotate_half(k) * sin


def mlp(layer, x) -> torch.Tensor:
    """SwiGLU: down(silu(gate(x)) * up(x))."""
    m = layer.mlp
    return m.down_proj(F.silu(m.gate_proj(x)) * m.up_proj(x))


def attention(layer, hidden, cos, sin) -> torch.Tensor:
    """Grouped-query causal self-attention of one decoder layer: [batch, T, hidden] -> [batch, T, hidden]."""
    attn = layer.self_attn
    batch, T, _ = hidden.shape
    head_dim = attn.head_dim
    # Projections (q, k and v have biases), split into heads: [batch, heads, T, head_dim].
    q = attn.q_proj(hidden).view(batch, T, -1, head_dim).transpose(1, 2)
    k = attn.k_proj(hidden).view(batch, T, -1, head_dim).transpose(1, 2)
    v = attn.v_proj(hidden).view(batch, T, -1, head_dim).transpose(1, 2)
    q, k = apply_rotary(q, k, cos, sin)  # positions enter here, in q and k only
    # Grouped-query attention: query heads 0..g-1 share kv head 0, the next g share kv head 1, ...
    groups = q.shape[1] // k.shape[1]
    k, v = k.repeat_interleave(groups, dim=1), v.repeat_interleave(groups, dim=1)
    scores = (q @ k.transpose(-1, -2)) * head_dim**-0.5  # [batch, heads, T, T]
    future = torch.ones(T, T, dtype=torch.bool, device=hidden.device).triu(1)
    scores = scores.masked_fill(future, float("-inf"))  # position t sees positions <= t only
    weights = torch.softmax(scores, dim=-1, dtype=torch.float32).to(v.dtype)
    out = (weights @ v).transpose(1, 2).reshape(batch, T, -1)  # heads side by side again
    return attn.o_proj(out)


def decoder_layer(layer, hidden, cos, sin) -> torch.Tensor:
    """Two pre-norm residual blocks: h = x + attention(norm(x)); out = h + mlp(norm(h))."""
    norm1, norm2 = layer.input_layernorm, layer.post_attention_layernorm
    hidden = hidden + attention(layer, rms_norm(hidden, norm1.weight, norm1.variance_epsilon), cos, sin)
    return hidden + mlp(layer, rms_norm(hidden, norm2.weight, norm2.variance_epsilon))


def forward(model, input_ids) -> torch.Tensor:
    """Logits [batch, T, vocab]: embedding, the decoder layers, the final norm, the tied head."""
    body = model.model
    hidden = body.embed_tokens(input_ids)  # a row lookup, no scaling
    positions = torch.arange(input_ids.shape[1], device=input_ids.device).expand(input_ids.shape)
    cos, sin = rotary_cos_sin(model.config, positions, hidden.dtype, hidden.device)  # once, for every layer
    for layer in body.layers:
        hidden = decoder_layer(layer, hidden, cos, sin)
    hidden = rms_norm(hidden, body.norm.weight, body.norm.variance_epsilon)
    return model.lm_head(hidden)  # tied: lm_head.weight is embed_tokens.weight
