"""Serving figures for 11_serve: decode throughput against batch size, and KV memory reserved vs paged.

- ``throughput``: for each batch size B, an Engine (the learner's or the reference) gets B requests
  of the same prompt length, one step() admits and prefills them all, then the median of a few
  pure decode steps (B rows in one forward) is timed. tokens/s = B / step time. A decode step reads
  every weight once whatever B is, so on a memory-bound device 16 rows cost little more than one.
- ``memory``: seeded requests of mixed prompt and output lengths (``requests_mix``) are served to the
  end by the Engine (``bench_serve_ways``, which also serves them one by one with 05's loop and with
  transformers' continuous batching, and records the blocks in use after each step); the most blocks
  it ever held against what a server reserving each request's maximum length up front would hold, in
  bytes of keys and values.

``run`` does all of it and returns the rows; ``report`` prints the tables, ``plot`` draws them. The
serving table compares every way's tokens with the one-by-one loop's; the graded tests check the rest.
"""

from __future__ import annotations

import math
import random
import statistics
import time
from dataclasses import dataclass

from kata.cli.bench import synchronize


@dataclass
class ThroughputRow:
    batch: int
    step_ms: float  # median time of one decode step (all B rows in one forward)
    tokens_per_s: float  # B / step time


@dataclass
class MemoryRow:
    scheme: str
    blocks: int | None  # blocks of block_size tokens, where the scheme is paged
    kv_bytes: int


def kv_bytes_per_token(config, dtype) -> int:
    """Keys and values of one token over every layer: 2 x layers x kv_heads x head_dim x bytes."""
    import torch

    head_dim = getattr(config, "head_dim", None) or config.hidden_size // config.num_attention_heads
    itemsize = torch.empty((), dtype=dtype).element_size()
    return 2 * config.num_hidden_layers * config.num_key_value_heads * head_dim * itemsize


def _prompt(rng, vocab: int, n: int) -> list[int]:
    return [rng.randrange(10, vocab) for _ in range(n)]


def throughput(model, impl, batch_sizes=(1, 4, 16), prompt_len: int = 32, steps: int = 8, block_size: int = 16,
               log=print) -> list[ThroughputRow]:
    """Median decode-step time for each batch size; the prefills (step 1) are not timed."""
    rng, rows = random.Random(0), []
    vocab = model.config.vocab_size
    for b in batch_sizes:
        blocks = b * math.ceil((prompt_len + steps + 2) / block_size)
        engine = impl.Engine(model, blocks, block_size, b)
        for i in range(b):
            engine.add_request(i, _prompt(rng, vocab, prompt_len), steps + 2)
        engine.step()  # admits and prefills everyone (and one decode step, not timed)
        times = []
        for _ in range(steps):
            synchronize(model.device)
            start = time.perf_counter()
            engine.step()
            synchronize(model.device)
            times.append(time.perf_counter() - start)
        step_s = statistics.median(times)
        rows.append(ThroughputRow(b, 1000 * step_s, b / step_s))
        log(f"batch {b}: {1000 * step_s:.1f} ms per decode step, {b / step_s:.1f} tokens/s")
    return rows


def requests_mix(vocab: int, n: int = 16, seed: int = 0, prompt=(8, 64), output=(4, 48)) -> list[tuple]:
    """n seeded requests (id, prompt ids, max_new_tokens) of mixed lengths."""
    rng = random.Random(seed)
    return [(i, _prompt(rng, vocab, rng.randint(*prompt)), rng.randint(*output)) for i in range(n)]


def memory(model, requests, blocks: dict, max_batch: int = 16, max_len: int = 2048, log=print) -> list[MemoryRow]:
    """Peak KV bytes: paged (the most blocks the Engine held, from ``blocks``' steps) vs reserving up front."""
    per_token = kv_bytes_per_token(model.config, model.dtype)
    block_size = blocks["block_size"]
    longest = max(len(p) + n for _, p, n in requests)
    peak = max((s["blocks_in_use"] for s in blocks["steps"]), default=0)
    batch = min(max_batch, len(requests))
    rows = [
        MemoryRow(f"reserve max_len {max_len} per running request", None, batch * max_len * per_token),
        MemoryRow(f"reserve the longest request ({longest} tokens) per running request", None,
                  batch * longest * per_token),
        MemoryRow(f"paged, blocks of {block_size} (peak)", peak, peak * block_size * per_token),
    ]
    for r in rows:
        log(f"{r.scheme}: {r.kv_bytes / 2**20:.1f} MiB")
    return rows


def run(model, impl, batch_sizes=(1, 4, 16), requests: int = 16, log=print, impl05=None):
    """(throughput rows, memory rows, serving rows, the Engine's blocks per step) for one implementation of
    11_serve; ``impl05``: 05's functions for the one-by-one row (by default loaded the same way as ``impl``)."""
    import torch

    from kata.cli import bench_serve_ways
    from kata.cli.bench_fast import _load_05

    impl05 = impl05 if impl05 is not None else _load_05(impl)
    mix = requests_mix(model.config.vocab_size, requests)
    with torch.no_grad():
        fast = throughput(model, impl, batch_sizes, log=log)
        ways, blocks = bench_serve_ways.serving(model, impl, impl05, mix, log=log)
        mem = memory(model, mix, blocks, log=log)
    return fast, mem, ways, blocks


def report(fast: list[ThroughputRow], mem: list[MemoryRow], model, source: str, console=None) -> None:
    """The two tables, as plain text (or on a rich console)."""
    from kata.core.hfutil import dtype_name

    out = console.print if console is not None else print
    out(f"{source}; {dtype_name(model.dtype)} on {model.device.type}; "
        f"KV per token {kv_bytes_per_token(model.config, model.dtype) / 1024:.1f} KiB")
    one = fast[0].tokens_per_s if fast else 1.0
    out("| batch | ms per decode step | tokens/s | x batch 1 |")
    out("|---:|---:|---:|---:|")
    for r in fast:
        out(f"| {r.batch} | {r.step_ms:.1f} | {r.tokens_per_s:.1f} | {r.tokens_per_s / one:.1f} |")
    out("| KV cache | blocks | MiB |")
    out("|---|---:|---:|")
    for r in mem:
        out(f"| {r.scheme} | {'' if r.blocks is None else r.blocks} | {r.kv_bytes / 2**20:.1f} |")


def plot(fast: list[ThroughputRow], mem: list[MemoryRow], path, title: str, blocks: dict | None = None) -> None:
    """tokens/s against batch size, KV MiB per scheme, and (with ``blocks``) the Engine's blocks in use per step."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(1, 3 if blocks else 2, figsize=(17 if blocks else 10, 4.2),
                             gridspec_kw={"width_ratios": [1, 1, 1.3] if blocks else [1, 1]})
    speed, kv = axes[0], axes[1]
    speed.plot([r.batch for r in fast], [r.tokens_per_s for r in fast], "-o")
    speed.set(xlabel="running requests (rows per decode step)", ylabel="tokens/s", title="decode throughput")
    speed.grid(alpha=0.3)
    kv.barh([r.scheme for r in mem], [r.kv_bytes / 2**20 for r in mem])
    kv.set(xlabel="MiB of keys and values", title="KV memory")
    if blocks:
        used, steps = axes[2], blocks["steps"]
        used.step([s["step"] for s in steps], [s["blocks_in_use"] for s in steps], where="post", label="blocks in use")
        used.step([s["step"] for s in steps], [s["running"] for s in steps], where="post", label="running requests")
        used.axhline(blocks["num_blocks"], color="grey", linestyle="--", label=f"pool ({blocks['num_blocks']} blocks)")
        used.set(xlabel="Engine step", ylabel=f"blocks of {blocks['block_size']} tokens / requests",
                 title="blocks in use per step")
        used.legend(fontsize=8)
        used.grid(alpha=0.3)
    fig.suptitle(title, fontsize=10)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
