"""The cache is sized for the query heads instead of the kv heads."""
# ruff: noqa: F821  (the reference's functions arrive through globals() below)

from kata.plugin.adapters import reference_functions

globals().update(reference_functions("10_fast"))


CAUGHT_BY = "the cache holds the kv heads"


class StaticKVCache(StaticKVCache):
    def __init__(self, config, batch_size, max_len, dtype, device):
        super().__init__(config, batch_size, max_len, dtype, device)
        shape = (batch_size, config.num_attention_heads, max_len, _head_dim(config))
        self.k = [torch.zeros(shape, dtype=dtype, device=device) for _ in range(config.num_hidden_layers)]
        self.v = [torch.zeros(shape, dtype=dtype, device=device) for _ in range(config.num_hidden_layers)]
