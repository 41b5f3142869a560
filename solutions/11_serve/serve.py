"""Reference solution for 11_serve: many requests at once, a paged KV cache and continuous batching."""

import math
from dataclasses import dataclass, field

import torch
import torch.nn.functional as F
from transformers.models.qwen2.modeling_qwen2 import apply_rotary_pos_emb


class OutOfBlocks(RuntimeError):
    """No free block is left in the pool (BlockAllocator.allocate)."""


class BlockAllocator:
    """A pool of `num_blocks` blocks of `block_size` tokens each, with an owner count per block."""

    def __init__(self, num_blocks: int, block_size: int):
        self.num_blocks, self.block_size = num_blocks, block_size
        self.owners = [0] * num_blocks

    def allocate(self) -> int:
        for block, owners in enumerate(self.owners):
            if owners == 0:
                self.owners[block] = 1
                return block
        raise OutOfBlocks(f"all {self.num_blocks} blocks are in use")

    def fork(self, block: int) -> int:
        if self.owners[block] == 0:
            raise ValueError(f"block {block} is free: there is nothing to share")
        self.owners[block] += 1
        return block

    def free(self, block: int) -> None:
        if self.owners[block] == 0:
            raise ValueError(f"block {block} is already free")
        self.owners[block] -= 1

    def refcount(self, block: int) -> int:
        return self.owners[block]

    @property
    def num_free(self) -> int:
        return self.owners.count(0)


class PagedKVCache:
    """Keys and values of every sequence, in fixed-size blocks shared by all of them."""

    def __init__(self, config, num_blocks: int, block_size: int, dtype, device):
        head_dim = getattr(config, "head_dim", None) or config.hidden_size // config.num_attention_heads
        shape = (num_blocks, block_size, config.num_key_value_heads, head_dim)
        self.block_size = block_size
        self.k = [torch.zeros(shape, dtype=dtype, device=device) for _ in range(config.num_hidden_layers)]
        self.v = [torch.zeros(shape, dtype=dtype, device=device) for _ in range(config.num_hidden_layers)]

    def write(self, layer: int, slots, k, v) -> None:
        slots = slots.to(self.k[layer].device)
        block, offset = slots // self.block_size, slots % self.block_size
        self.k[layer][block, offset] = k.to(self.k[layer].dtype)
        self.v[layer][block, offset] = v.to(self.v[layer].dtype)

    def gather(self, layer: int, block_table: list[int], length: int) -> tuple[torch.Tensor, torch.Tensor]:
        where = slots(block_table, 0, length, self.block_size).to(self.k[layer].device)
        block, offset = where // self.block_size, where % self.block_size
        # [length, kv_heads, head_dim] -> [kv_heads, length, head_dim]
        return self.k[layer][block, offset].transpose(0, 1), self.v[layer][block, offset].transpose(0, 1)


def slots(block_table: list[int], start: int, count: int, block_size: int) -> torch.Tensor:
    positions = range(start, start + count)
    return torch.tensor([block_table[p // block_size] * block_size + p % block_size for p in positions],
                        dtype=torch.long)


def paged_attention(q, cache, layer: int, block_tables: list[list[int]], lengths: list[int]) -> torch.Tensor:
    # One gather for every row at once (a loop over the rows with cache.gather is as correct, and slower):
    # row i's slots for positions 0 .. width-1, through its block table padded with block 0 (masked out).
    width, size = max(lengths), cache.block_size
    most = max(len(table) for table in block_tables)
    tables = torch.tensor([table + [0] * (most - len(table)) for table in block_tables], device=q.device)
    position = torch.arange(width, device=q.device)
    where = tables[:, position // size] * size + position % size  # [N, width]
    k = cache.k[layer].flatten(0, 1)[where].transpose(1, 2)  # [N, width, kv_heads, head_dim] -> [N, kv_heads, ...]
    v = cache.v[layer].flatten(0, 1)[where].transpose(1, 2)
    real = position[None] < torch.tensor(lengths, device=q.device)[:, None]  # [N, width]: not padding
    out = F.scaled_dot_product_attention(q.unsqueeze(2), k.to(q.dtype), v.to(q.dtype),
                                         attn_mask=real[:, None, None, :], enable_gqa=True)
    return out.squeeze(2)


@dataclass
class Request:
    request_id: object
    prompt: list[int]
    max_new_tokens: int
    eos: set
    out: list[int] = field(default_factory=list)
    blocks: list[int] = field(default_factory=list)

    @property
    def tokens(self) -> list[int]:
        return self.prompt + self.out


class Engine:
    """Continuous batching over a paged KV cache: requests join and leave between steps."""

    PACKED_TOKENS = 2048  # prefill admitted requests together up to this many tokens per forward

    def __init__(self, model, num_blocks: int, block_size: int, max_batch: int):
        for name, value in (("num_blocks", num_blocks), ("block_size", block_size), ("max_batch", max_batch)):
            if value < 1:
                raise ValueError(f"{name} must be at least 1, got {value}")
        self.model, self.block_size, self.max_batch = model, block_size, max_batch
        self.allocator = BlockAllocator(num_blocks, block_size)
        self.cache = PagedKVCache(model.config, num_blocks, block_size, model.dtype, model.device)
        self.waiting, self.running, self.requests = [], [], {}

    def add_request(self, request_id, prompt_ids: list[int], max_new_tokens: int, eos_token_id=None) -> None:
        if request_id in self.requests:
            raise ValueError(f"request {request_id!r} was already added")
        if len(prompt_ids) == 0:
            raise ValueError("the prompt is empty")
        if math.ceil(len(prompt_ids) / self.block_size) > self.allocator.num_blocks:
            raise ValueError(f"a prompt of {len(prompt_ids)} tokens needs more blocks than the pool holds")
        eos = set() if eos_token_id is None else {eos_token_id} if isinstance(eos_token_id, int) else set(eos_token_id)
        request = Request(request_id, list(prompt_ids), max_new_tokens, eos)
        self.requests[request_id] = request
        if max_new_tokens > 0:
            self.waiting.append(request)

    def has_unfinished(self) -> bool:
        return bool(self.waiting or self.running)

    def outputs(self) -> dict:
        return {rid: list(r.out) for rid, r in self.requests.items()}

    @torch.no_grad()
    def step(self) -> list[tuple[object, int]]:
        made = []
        self._admit(made)
        self._decode(made)
        return made

    # --- one scheduling iteration -----------------------------------------------------------------

    def _admit(self, made) -> None:
        """Waiting requests join in arrival order while the batch has room and the pool has their blocks."""
        admitted = []
        while self.waiting and len(self.running) < self.max_batch:
            request = self.waiting[0]
            need = math.ceil(len(request.tokens) / self.block_size)
            if need > self.allocator.num_free:
                if not self.running:  # nobody can free a block for it: it can never run
                    raise OutOfBlocks(f"request {request.request_id!r} needs {need} blocks; the pool has "
                                      f"{self.allocator.num_blocks}")
                break
            self.waiting.pop(0)
            request.blocks = [self.allocator.allocate() for _ in range(need)]
            self.running.append(request)
            admitted.append(request)
        group = []  # one forward reads the weights once for all of them
        for request in admitted:
            if group and sum(len(r.tokens) for r in group) + len(request.tokens) > self.PACKED_TOKENS:
                self._prefill(group, made)
                group = []
            group.append(request)
        if group:
            self._prefill(group, made)

    def _prefill(self, requests, made) -> None:
        """Their whole prompts (plus what each made before a preemption) in ONE forward, packed end to end in
        one row, each attending causally to its own tokens only; each one's next token."""
        device = self.model.device
        lengths = [len(r.tokens) for r in requests]
        ids = torch.tensor([[token for r in requests for token in r.tokens]], device=device)
        positions = torch.cat([torch.arange(n, device=device) for n in lengths])[None]  # each restarts at 0
        where = torch.cat([slots(r.blocks, 0, n, self.block_size) for r, n in zip(requests, lengths)])
        owner = torch.arange(len(requests), device=device).repeat_interleave(torch.tensor(lengths, device=device))
        allowed = (owner[:, None] == owner[None, :]) & (positions[0][:, None] >= positions[0][None, :])

        def attend(_layer, q, k, v):  # [1, heads, T, head_dim]: causal inside a request, nothing across
            return F.scaled_dot_product_attention(q, k, v, attn_mask=allowed, enable_gqa=True)

        last = torch.tensor(lengths, device=device).cumsum(0) - 1  # where each request's tokens end
        logits = self._forward(ids, positions, where, attend, last)
        for request, token in zip(requests, logits.argmax(-1).tolist()):
            self._emit(request, token, made)

    def _decode(self, made) -> None:
        """One forward for every running request: each writes its newest token, at its own position."""
        for request in list(self.running):
            if request in self.running:  # not preempted by an earlier row's growth
                self._grow(request)
        rows = list(self.running)
        if not rows:
            return
        positions = [len(r.tokens) - 1 for r in rows]
        ids = torch.tensor([[r.out[-1]] for r in rows], device=self.model.device)
        where = torch.cat([slots(r.blocks, p, 1, self.block_size) for r, p in zip(rows, positions)])

        def attend(layer, q, _k, _v):  # the current token is written already: attend to p + 1 tokens
            out = paged_attention(q[:, :, 0], self.cache, layer, [r.blocks for r in rows], [p + 1 for p in positions])
            return out.unsqueeze(2)

        logits = self._forward(ids, torch.tensor(positions, device=self.model.device)[:, None], where, attend)
        for request, token in zip(rows, logits.argmax(-1).tolist()):
            self._emit(request, token, made)

    def _grow(self, request) -> bool:
        """A block for the request's newest token when it needs one; preempts the latest arrival if none is free."""
        while math.ceil(len(request.tokens) / self.block_size) > len(request.blocks):
            try:
                request.blocks.append(self.allocator.allocate())
            except OutOfBlocks:
                victim = self.running[-1]  # the most recently admitted
                self._preempt(victim)
                if victim is request:
                    return False
        return True

    def _preempt(self, request) -> None:
        """Blocks back to the pool; back at the head of the queue, to be prefilled again later."""
        self._release(request)
        self.waiting.insert(0, request)

    def _release(self, request) -> None:
        for block in request.blocks:
            self.allocator.free(block)
        request.blocks = []
        self.running.remove(request)

    def _emit(self, request, token: int, made) -> None:
        request.out.append(token)
        made.append((request.request_id, token))
        if token in request.eos or len(request.out) >= request.max_new_tokens:
            self._release(request)  # leaves the batch now

    def _forward(self, ids, positions, where, attend, last=None) -> torch.Tensor:
        """Logits [rows, vocab] at each row's last position (or, for one packed row, at the positions `last`)
        from the model's leaf pieces; keys and values written at `where`."""
        model = self.model.model
        hidden = model.embed_tokens(ids)  # [rows, T, hidden]
        cos, sin = model.rotary_emb(hidden, positions)
        rows, T = ids.shape
        for i, layer in enumerate(model.layers):
            att = layer.self_attn
            x = layer.input_layernorm(hidden)
            q = att.q_proj(x).view(rows, T, -1, att.head_dim).transpose(1, 2)  # [rows, heads, T, head_dim]
            k = att.k_proj(x).view(rows, T, -1, att.head_dim).transpose(1, 2)
            v = att.v_proj(x).view(rows, T, -1, att.head_dim).transpose(1, 2)
            q, k = apply_rotary_pos_emb(q, k, cos, sin)
            kv_heads = k.shape[1]
            self.cache.write(i, where, k.transpose(1, 2).reshape(-1, kv_heads, att.head_dim),
                             v.transpose(1, 2).reshape(-1, kv_heads, att.head_dim))
            out = attend(i, q, k, v)  # [rows, heads, T, head_dim]
            hidden = hidden + att.o_proj(out.transpose(1, 2).reshape(rows, T, -1))
            hidden = hidden + layer.mlp(layer.post_attention_layernorm(hidden))
        return self.model.lm_head(model.norm(hidden[:, -1] if last is None else hidden[0, last]))


def serve(model, requests, num_blocks: int, block_size: int, max_batch: int) -> dict:
    engine = Engine(model, num_blocks, block_size, max_batch)
    for request_id, prompt_ids, max_new_tokens in requests:
        engine.add_request(request_id, prompt_ids, max_new_tokens)
    while engine.has_unfinished():
        engine.step()
    return engine.outputs()
