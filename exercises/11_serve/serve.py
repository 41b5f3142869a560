"""Exercise 11_serve: many requests at once: a paged KV cache and continuous batching.

Lesson: exercises/11_serve/README.md (中文: README.zh.md)
Check:  pytest exercises/11_serve     (or: kata check 11)
Hints:  kata hint 11

Each function gets everything it needs as arguments; do not load a model here.
The Engine runs the model from its leaf pieces, as 09 rebuilt them: `model.model.embed_tokens`,
`layer.input_layernorm`, `layer.self_attn.q_proj/k_proj/v_proj/o_proj`, `layer.post_attention_layernorm`,
`layer.mlp`, `model.model.norm`, `model.lm_head`, `model.model.rotary_emb(x, position_ids)` and
`apply_rotary_pos_emb` (imported below). It owns the attention and the cache, so it never calls
`model(...)`, `model.model(...)`, `layer(...)` or `layer.self_attn(...)`: the tests watch for them.
Read every size from the model's config; the tests run on models of different sizes.
"""

import math  # noqa: F401  (math.ceil, math.sqrt)

import torch
import torch.nn.functional as F  # noqa: F401
from transformers.models.qwen2.modeling_qwen2 import apply_rotary_pos_emb  # noqa: F401


class OutOfBlocks(RuntimeError):
    """No free block is left in the pool. Given complete: BlockAllocator.allocate() raises it."""


class BlockAllocator:
    """A pool of `num_blocks` blocks (numbered 0 .. num_blocks-1) of `block_size` tokens each.

    Every block has an owner count: 0 means free. The tests read nothing but these methods.
    """

    def __init__(self, num_blocks: int, block_size: int):
        """Every block starts free."""
        raise NotImplementedError("11_serve: implement BlockAllocator() — see exercises/11_serve/README.md, step 1")

    def allocate(self) -> int:
        """The LOWEST free block, now with one owner. Raises OutOfBlocks when no block is free."""
        raise NotImplementedError("11_serve: implement BlockAllocator() — see exercises/11_serve/README.md, step 1")

    def fork(self, block: int) -> int:
        """One more owner of `block` (a shared prefix); returns the same block.
        Raises ValueError when `block` is free (there is nothing to share)."""
        raise NotImplementedError("11_serve: implement BlockAllocator() — see exercises/11_serve/README.md, step 1")

    def free(self, block: int) -> None:
        """One owner fewer; the block is free again when no owner is left.
        Raises ValueError when `block` is already free (a double free is a bug to report, not to hide)."""
        raise NotImplementedError("11_serve: implement BlockAllocator() — see exercises/11_serve/README.md, step 1")

    def refcount(self, block: int) -> int:
        """How many owners `block` has (0: free)."""
        raise NotImplementedError("11_serve: implement BlockAllocator() — see exercises/11_serve/README.md, step 1")

    @property
    def num_free(self) -> int:
        """How many blocks are free."""
        raise NotImplementedError("11_serve: implement BlockAllocator() — see exercises/11_serve/README.md, step 1")


class PagedKVCache:
    """Keys and values of all sequences, in blocks: a sequence's tokens live wherever its block table says."""

    def __init__(self, config, num_blocks: int, block_size: int, dtype, device):
        """Allocate once, per layer (config.num_hidden_layers), `self.k[layer]` and `self.v[layer]`: zeros of
        [num_blocks, block_size, num_key_value_heads, head_dim] in `dtype` on `device`
        (head_dim = config.head_dim if the config sets it, else hidden_size // num_attention_heads).
        Keep `block_size`: write and gather need it."""
        raise NotImplementedError("11_serve: implement PagedKVCache() — see exercises/11_serve/README.md, step 2")

    def write(self, layer: int, slots, k, v) -> None:
        """Store token i's key `k[i]` and value `v[i]` ([kv_heads, head_dim] each; k, v: [n, kv_heads, head_dim])
        in block slots[i] // block_size at offset slots[i] % block_size (`slots`: LongTensor [n]), in place."""
        raise NotImplementedError("11_serve: implement PagedKVCache() — see exercises/11_serve/README.md, step 2")

    def gather(self, layer: int, block_table: list[int], length: int) -> tuple[torch.Tensor, torch.Tensor]:
        """The first `length` keys and values of the sequence whose blocks are `block_table` (its position p
        lives in block block_table[p // block_size]), in position order: ([kv_heads, length, head_dim],
        [kv_heads, length, head_dim])."""
        raise NotImplementedError("11_serve: implement PagedKVCache() — see exercises/11_serve/README.md, step 2")


def slots(block_table: list[int], start: int, count: int, block_size: int) -> torch.Tensor:
    """The slots of positions start .. start+count-1 of a sequence: LongTensor [count] on the CPU.

    Position p is in block block_table[p // block_size] at offset p % block_size, so its slot is
    block_table[p // block_size] * block_size + p % block_size. Example: block_table [7, 2], block_size 4:
    positions 3, 4, 5 are slots 31, 8, 9.
    """
    raise NotImplementedError("11_serve: implement slots() — see exercises/11_serve/README.md, step 3")


def paged_attention(q, cache, layer: int, block_tables: list[list[int]], lengths: list[int]) -> torch.Tensor:
    """One decode step's attention over the paged cache, one query per sequence.

    q:            [N, heads, head_dim], the (rotated) query of sequence i's current token in row i.
    cache:        a PagedKVCache; the current token's key and value are already written.
    block_tables: sequence i's blocks; lengths[i]: how many of its tokens it attends to (its current
                  token included).
    Returns [N, heads, head_dim]: softmax(q k^T / sqrt(head_dim)) v over sequence i's first lengths[i]
    keys and values (cache.gather), each key/value head shared by heads // kv_heads consecutive query
    heads (grouped-query attention). No causal mask is needed: the query is the newest token.
    Equal to dense attention over the same keys and values.
    """
    raise NotImplementedError("11_serve: implement paged_attention() — see exercises/11_serve/README.md, step 4")


class Engine:
    """Continuous batching over a paged KV cache, token for token the greedy reference of every request.

    Attributes the tests read: `self.allocator` (your BlockAllocator, `num_blocks` blocks) and
    `self.cache` (your PagedKVCache, in the model's dtype, on its device).
    """

    def __init__(self, model, num_blocks: int, block_size: int, max_batch: int):
        """A pool of `num_blocks` blocks of `block_size` tokens; at most `max_batch` requests run at once.
        Raises ValueError when num_blocks, block_size or max_batch is below 1."""
        raise NotImplementedError("11_serve: implement Engine() — see exercises/11_serve/README.md, step 5")

    def add_request(self, request_id, prompt_ids: list[int], max_new_tokens: int, eos_token_id=None) -> None:
        """Queue a request (arrival order). eos_token_id: None (never stops early), one id, or a list of ids;
        the eos token is included in its output, as in 05.
        Raises ValueError (and changes nothing) for an id added before, an empty prompt, or a prompt that
        needs more blocks than the whole pool. max_new_tokens=0 finishes the request at once, no tokens."""
        raise NotImplementedError("11_serve: implement Engine() — see exercises/11_serve/README.md, step 5")

    def step(self) -> list[tuple[object, int]]:
        """One scheduling iteration; returns the (request_id, token) pairs it made, in order.

        1. Admit waiting requests in arrival order while fewer than max_batch run and the pool has free
           blocks for all their tokens so far: each gets its blocks and ONE prefill forward (its tokens
           at positions 0, 1, ..., keys and values written into its blocks, causal attention) that gives
           its next token.
        2. ONE decode forward for all running requests together: each feeds its newest token at its own
           position, writes that token's key and value (a new block only when its last block is full),
           attends with paged_attention, and gets one token.
        A request that makes its eos or its max_new_tokens-th token leaves the batch and frees its blocks
        at once. When a running request needs a block and none is free, preempt the most recently
        admitted running request: free its blocks and put it back at the head of the queue; admitted
        again later, it is prefilled from its prompt plus the tokens it already made (its output does
        not change). Use torch.no_grad().
        """
        raise NotImplementedError("11_serve: implement Engine() — see exercises/11_serve/README.md, step 5")

    def has_unfinished(self) -> bool:
        """True while some request is waiting or running."""
        raise NotImplementedError("11_serve: implement Engine() — see exercises/11_serve/README.md, step 5")

    def outputs(self) -> dict[object, list[int]]:
        """{request_id: the tokens it made so far} for every request added (finished ones included)."""
        raise NotImplementedError("11_serve: implement Engine() — see exercises/11_serve/README.md, step 5")


def serve(model, requests, num_blocks: int, block_size: int, max_batch: int) -> dict[object, list[int]]:
    """Serve `requests`, a list of (request_id, prompt_ids, max_new_tokens), with one Engine run until
    nothing is unfinished; returns its outputs(): {request_id: new token ids}."""
    raise NotImplementedError("11_serve: implement serve() — see exercises/11_serve/README.md, step 6")
