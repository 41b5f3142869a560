"""Exercise 09_inside: one forward pass of Qwen2, rebuilt from its weights.

Lesson: exercises/09_inside/README.md (中文: README.zh.md)
Check:  pytest exercises/09_inside     (or: kata check 09)
Hints:  kata hint 09

Read the weights (`layer.self_attn.q_proj.weight`, `model.model.norm.weight`...) and compute.
Allowed: tensor operations, `torch.nn.functional`, and the LEAF modules `nn.Linear` / `nn.Embedding`
(`layer.self_attn.q_proj(x)` is only `x @ W.T + b`). Not allowed: the forward of the model or of a
composite part (`model(...)`, `model.model(...)`, `layer(...)`, `layer.self_attn(...)`, `layer.mlp(...)`,
a norm module, `rotary_emb(...)`) or transformers' own Qwen2 functions: the tests watch for them.

Tensors are laid out as transformers lays them out: hidden states `[batch, T, hidden]`, q/k/v
`[batch, heads, T, head_dim]`, cos/sin `[batch, T, head_dim]`. Read every size from the model or
its config; the tests run on models of different sizes.
"""

import torch
import torch.nn.functional as F  # noqa: F401  (you will want F.silu, maybe F.linear)


def rms_norm(x, weight, eps: float) -> torch.Tensor:
    """RMSNorm over the last axis, exactly as Qwen2RMSNorm computes it.

    x:      [..., hidden], any float dtype.
    weight: [hidden], the norm's learned scale (e.g. `layer.input_layernorm.weight`).
    eps:    added to the mean of squares, inside the square root (`norm.variance_epsilon`).
    Returns weight * (x / sqrt(mean(x²) + eps)): computed in float32, cast back to x's dtype, and only
    then multiplied by the weight (so the result has the dtype of `x * weight`).
    """
    raise NotImplementedError("09_inside: implement rms_norm() — see exercises/09_inside/README.md, step 1")


def rotary_cos_sin(config, position_ids, dtype, device) -> tuple[torch.Tensor, torch.Tensor]:
    """cos and sin of the rotary angles, as `model.model.rotary_emb` returns them.

    config:       the model's config (`model.config`).
    position_ids: [batch, T] integer positions (not always 0, 1, 2...).
    Returns (cos, sin), each [batch, T, head_dim] in `dtype` on `device`, where
    head_dim = config.hidden_size // config.num_attention_heads (unless the config sets head_dim),
    angle[..., i] = position * base^(-2i/head_dim) for i < head_dim/2 (base:
    config.rope_parameters["rope_theta"]), and both halves of the last axis hold the same angles.
    Compute the angles in float32; cast at the end.
    """
    raise NotImplementedError("09_inside: implement rotary_cos_sin() — see exercises/09_inside/README.md, step 2")


def apply_rotary(q, k, cos, sin) -> tuple[torch.Tensor, torch.Tensor]:
    """Rotate q and k by their positions' angles (the rotate-half form).

    q: [batch, heads, T, head_dim]; k: [batch, kv_heads, T, head_dim]; cos, sin: [batch, T, head_dim].
    Returns (q * cos + rotate_half(q) * sin, k * cos + rotate_half(k) * sin), where rotate_half turns
    the halves (x1, x2) of the last axis into (-x2, x1). cos and sin need a heads axis to broadcast.
    """
    raise NotImplementedError("09_inside: implement apply_rotary() — see exercises/09_inside/README.md, step 3")


def mlp(layer, x) -> torch.Tensor:
    """The SwiGLU feed-forward block of one decoder layer: down(silu(gate(x)) * up(x)).

    x: [batch, T, hidden], the already normalised input. Weights in `layer.mlp`. Returns [batch, T, hidden].
    """
    raise NotImplementedError("09_inside: implement mlp() — see exercises/09_inside/README.md, step 4")


def attention(layer, hidden, cos, sin) -> torch.Tensor:
    """The self-attention of one decoder layer, equal to `layer.self_attn` with a causal mask.

    layer:    one `Qwen2DecoderLayer` (`model.model.layers[i]`); its weights are in `layer.self_attn`.
    hidden:   [batch, T, hidden], the already normalised input of the attention.
    cos, sin: [batch, T, head_dim] from rotary_cos_sin.
    Returns [batch, T, hidden]: q/k/v projections (with biases), split into heads, rotary on q and k,
    every query head group sharing one key/value head, causal softmax(q k^T / sqrt(head_dim)) @ v,
    heads joined again, o_proj.
    """
    raise NotImplementedError("09_inside: implement attention() — see exercises/09_inside/README.md, step 5")


def decoder_layer(layer, hidden, cos, sin) -> torch.Tensor:
    """One decoder layer: two pre-norm residual blocks, built from your rms_norm, attention and mlp.

    hidden: [batch, T, hidden], the layer's input. Returns [batch, T, hidden], the layer's output.
    Use `layer.input_layernorm` before the attention and `layer.post_attention_layernorm` before the
    MLP (their `.weight` and `.variance_epsilon`).
    """
    raise NotImplementedError("09_inside: implement decoder_layer() — see exercises/09_inside/README.md, step 6")


def forward(model, input_ids) -> torch.Tensor:
    """The whole forward pass: [1, T] ids -> [1, T, vocab_size] logits, equal to model(input_ids).logits.

    Embedding, rotary cos/sin of positions 0..T-1, every decoder layer in order, the final norm
    (`model.model.norm`), the tied head. Use your own functions above.
    """
    raise NotImplementedError("09_inside: implement forward() — see exercises/09_inside/README.md, step 7")
