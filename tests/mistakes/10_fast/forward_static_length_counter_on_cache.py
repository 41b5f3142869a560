"""forward_static() keeps a Python int counter of the filled length on the cache: harmless in eager, but dynamo guards on it, so every decode step recompiles."""
# ruff: noqa: F821  (the reference's functions arrive through globals() below)

from kata.plugin.adapters import reference_functions

globals().update(reference_functions("10_fast"))

CAUGHT_BY = "dynamo recompiled each step"


def forward_static(model, cache, input_ids, positions):
    config, body = model.config, model.model
    _check_cache(config, cache, input_ids)
    cache.length = getattr(cache, "length", 0) + input_ids.shape[1]  # book-keeping: a Python int that changes
    batch, T = input_ids.shape
    hidden = body.embed_tokens(input_ids)
    cos, sin = body.rotary_emb(hidden, positions[None, :])
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
