"""forward_static() rotates by 0..T-1 in every call instead of the given positions: the prefill is right, every decode step rotates as position 0."""
# ruff: noqa: F821  (the reference's functions arrive through globals() below)

from kata.plugin.adapters import reference_functions

globals().update(reference_functions("10_fast"))

CAUGHT_BY = "the prefill is right but a decode step is not"


def forward_static(model, cache, input_ids, positions):
    config, body = model.config, model.model
    _check_cache(config, cache, input_ids)
    batch, T = input_ids.shape
    hidden = body.embed_tokens(input_ids)
    cos, sin = body.rotary_emb(hidden, torch.arange(T)[None, :])  # positions counted from 0 in every call
    mask = causal_mask(positions, cache.k[0].shape[2])
    for i, layer in enumerate(body.layers):
        attn = layer.self_attn
        x = layer.input_layernorm(hidden)
        q, k, v = (p(x).view(batch, T, -1, _head_dim(config)).transpose(1, 2)
                   for p in (attn.q_proj, attn.k_proj, attn.v_proj))
        q, k = apply_rotary_pos_emb(q, k, cos, sin)
        k, v = cache.update(i, positions, k, v)
        group = q.shape[1] // k.shape[1]
        k, v = k.repeat_interleave(group, dim=1), v.repeat_interleave(group, dim=1)
        out = F.scaled_dot_product_attention(q, k, v, attn_mask=mask)
        hidden = hidden + attn.o_proj(out.transpose(1, 2).reshape(batch, T, -1))
        hidden = hidden + layer.mlp(layer.post_attention_layernorm(hidden))
    return model.lm_head(body.norm(hidden))
