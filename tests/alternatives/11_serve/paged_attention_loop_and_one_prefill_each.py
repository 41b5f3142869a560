"""A correct paged_attention and Engine written another way: a loop over the sequences, each gathered with
cache.gather, and one prefill forward per admitted request instead of the admitted requests packed into one."""
# ruff: noqa: F821  (the reference's names arrive through globals() below)

from kata.plugin.adapters import reference_functions

globals().update(reference_functions("11_serve"))


def paged_attention(q, cache, layer, block_tables, lengths):
    heads, head_dim = q.shape[1], q.shape[2]
    out = []
    for i, (table, length) in enumerate(zip(block_tables, lengths)):
        k, v = cache.gather(layer, table, length)  # [kv_heads, length, head_dim]
        k = k.repeat_interleave(heads // k.shape[0], dim=0)  # each kv head serves a group of query heads
        v = v.repeat_interleave(heads // v.shape[0], dim=0)
        scores = (q[i].unsqueeze(1) @ k.transpose(1, 2)) / math.sqrt(head_dim)  # [heads, 1, length]
        out.append((scores.float().softmax(-1).to(v.dtype) @ v).squeeze(1))
    return torch.stack(out)


class Engine(Engine):
    PACKED_TOKENS = 0  # every admitted request alone in its own prefill forward
