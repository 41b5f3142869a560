"""__init__ accepts any size: a batch of 0, max_len 0, or more slots than the model has positions."""
# ruff: noqa: F821  (the reference's functions arrive through globals() below)

from kata.plugin.adapters import reference_functions

globals().update(reference_functions("10_fast"))


CAUGHT_BY = "check the sizes in __init__, once"


class StaticKVCache(StaticKVCache):
    def __init__(self, config, batch_size, max_len, dtype, device):
        self.batch_size, self.max_len = batch_size, max_len
        shape = (batch_size, config.num_key_value_heads, max_len, _head_dim(config))
        self.k = [torch.zeros(shape, dtype=dtype, device=device) for _ in range(config.num_hidden_layers)]
        self.v = [torch.zeros(shape, dtype=dtype, device=device) for _ in range(config.num_hidden_layers)]
