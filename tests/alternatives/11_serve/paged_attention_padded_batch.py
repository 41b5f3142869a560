"""A correct paged_attention written another way: every sequence's keys and values gathered into one
padded batch, the padding masked out, one scaled_dot_product_attention call with enable_gqa."""
# ruff: noqa: F821  (the reference's names arrive through globals() below)

from kata.plugin.adapters import reference_functions

globals().update(reference_functions("11_serve"))


def paged_attention(q, cache, layer, block_tables, lengths):
    n, width = len(lengths), max(lengths)
    kv_heads, head_dim = cache.k[layer].shape[2], cache.k[layer].shape[3]
    k = q.new_zeros(n, kv_heads, width, head_dim)
    v = q.new_zeros(n, kv_heads, width, head_dim)
    for i, (table, length) in enumerate(zip(block_tables, lengths)):
        k[i, :, :length], v[i, :, :length] = cache.gather(layer, table, length)
    mask = torch.arange(width)[None, :] < torch.tensor(lengths)[:, None]  # [N, width]: True where a real token
    out = F.scaled_dot_product_attention(q.unsqueeze(2), k, v, attn_mask=mask[:, None, None, :], enable_gqa=True)
    return out.squeeze(2)
