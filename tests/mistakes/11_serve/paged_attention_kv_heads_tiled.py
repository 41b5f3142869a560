"""paged_attention() tiles the key/value heads (repeat) instead of giving each one its group of consecutive query heads."""
# ruff: noqa: F821  (the reference's names arrive through globals() below)

from kata.plugin.adapters import reference_functions

globals().update(reference_functions("11_serve"))

CAUGHT_BY = 'not the whole set tiled'


def paged_attention(q, cache, layer, block_tables, lengths):
    heads, out = q.shape[1], []
    for i, (table, length) in enumerate(zip(block_tables, lengths)):
        k, v = cache.gather(layer, table, length)
        k, v = k.repeat(heads // k.shape[0], 1, 1), v.repeat(heads // v.shape[0], 1, 1)
        scores = q[i].unsqueeze(1) @ k.transpose(1, 2) / math.sqrt(q.shape[2])
        out.append((scores.float().softmax(-1).to(v.dtype) @ v).squeeze(1))
    return torch.stack(out)
