"""`kata bench`: decoding speed of the 05_kv_cache loops against transformers, cached and not.

For each number of new tokens N, from one fixed prompt, with a warm-up and the median of a few
repeats, it times ``model.generate`` greedy with and without the cache, and the implementation's
``generate_cached`` and ``generate_uncached``. Each loop must produce exactly the tokens of its
``generate`` twin before a time is reported. Cached and uncached agree too, except that in bf16
the two paths round differently and can part at near ties (common with random weights): the
report says where. ``shape:qwen2.5-0.5b`` is a randomly initialised model with exactly the real
checkpoint's architecture and bf16 weights: the real compute, where the hub cannot be reached.
"""

from __future__ import annotations

import json
import statistics
import time
from dataclasses import dataclass
from pathlib import Path

from kata.core.hfutil import dtype_name

PROMPT = "The captial of France is"  # the notebook's prompt
SHAPE_SPEC = "shape:qwen2.5-0.5b"
# config.json of Qwen/Qwen2.5-0.5B-Instruct, as published on the hub
QWEN25_05B = dict(
    vocab_size=151936, hidden_size=896, intermediate_size=4864, num_hidden_layers=24,
    num_attention_heads=14, num_key_value_heads=2, max_position_embeddings=32768, rms_norm_eps=1e-6,
    rope_theta=1000000.0, tie_word_embeddings=True, hidden_act="silu", use_sliding_window=False,
    bos_token_id=151643, eos_token_id=151645,
)


@dataclass
class Row:
    tokens: int
    hf_cached_s: float
    hf_uncached_s: float
    impl_cached_s: float
    impl_uncached_s: float
    # Leading tokens on which the cached and uncached paths agree. In bf16 they round differently,
    # so where two candidates are nearly tied (common in a random model) greedy choices can part.
    cached_uncached_agree: int = -1


def shape_model_dir(cache_root: Path | None = None) -> Path:
    """Build (once) a random model shaped like Qwen2.5-0.5B, with the stand-in's tokenizer."""
    import torch
    from transformers import AutoTokenizer, GenerationConfig, Qwen2Config, Qwen2ForCausalLM

    from kata.core.hfutil import quiet_transformers
    from kata.model import standin

    target = (cache_root or standin.default_cache_root()) / "qwen2.5-0.5b-shape-random"
    standin_path = standin.ensure_standin()
    if (target / "model.safetensors").exists():
        # The weights are random and stay; the tokenizer follows the stand-in's current recipe.
        if (target / "tokenizer.json").read_bytes() != (standin_path / "tokenizer.json").read_bytes():
            with quiet_transformers():
                AutoTokenizer.from_pretrained(standin_path).save_pretrained(target)
        return target
    torch.manual_seed(0)
    with torch.device("cpu"), quiet_transformers():
        model = Qwen2ForCausalLM(Qwen2Config(**QWEN25_05B, dtype="bfloat16")).to(torch.bfloat16)
        model.generation_config = GenerationConfig.from_pretrained(standin_path)
        tmp = target.with_name(target.name + ".building")
        model.save_pretrained(tmp)
        AutoTokenizer.from_pretrained(standin_path).save_pretrained(tmp)
        tmp.rename(target)
    return target


def resolve_bench_model(spec: str):
    from kata.model import resolve as models

    if spec == SHAPE_SPEC:
        path = shape_model_dir()
        return models.ResolvedModel("path", path, f"{SHAPE_SPEC}: RANDOM weights with Qwen2.5-0.5B's exact shape "
                                    f"(real compute, meaningless text), {path}")
    return models.resolve(spec, log=lambda *_: None)


def timed(fn, repeats: int, device):
    """(the first run's seconds: a warm-up, or a compile; the median seconds of the next ``repeats`` runs; the
    first run's result), without gradients, the device synchronised around each run."""
    import torch

    with torch.no_grad():
        synchronize(device)
        start = time.perf_counter()
        result = fn()
        synchronize(device)
        first = time.perf_counter() - start
        times = []
        for _ in range(repeats):
            start = time.perf_counter()
            fn()
            synchronize(device)
            times.append(time.perf_counter() - start)
    return first, statistics.median(times), result


def run(model, tokenizer, impl, token_counts, repeats: int = 3, log=print) -> list[Row]:
    import torch

    ids = tokenizer(PROMPT, return_tensors="pt").input_ids.to(model.device)
    mask = torch.ones_like(ids)
    rows = []
    for n in token_counts:
        def hf(use_cache, n=n):
            # eos_token_id=None: run to N, past any eos, as the implementation's loops do without one.
            out = model.generate(ids, attention_mask=mask, max_new_tokens=n, do_sample=False, eos_token_id=None,
                                 repetition_penalty=1.0, use_cache=use_cache)
            return out[:, ids.shape[1]:]

        timings = {}
        tokens = {}
        for name, fn in (("hf_cached", lambda: hf(True)), ("hf_uncached", lambda: hf(False)),
                         ("impl_cached", lambda n=n: impl.generate_cached(model, ids, n)),
                         ("impl_uncached", lambda n=n: impl.generate_uncached(model, ids, n))):
            _, timings[name], tokens[name] = timed(fn, repeats, model.device)
            log(f"  N={n:<5} {name:<14} {timings[name]:8.3f} s")
        # Like with like must agree exactly: the same computation, so the same tokens.
        for mine, theirs in (("impl_cached", "hf_cached"), ("impl_uncached", "hf_uncached")):
            if not torch.equal(tokens[mine].cpu(), tokens[theirs].cpu()):
                raise BenchError(f"at N={n}, {mine} produced other tokens than {theirs} (model.generate): the loops "
                                 "do not compute the same thing, so their times are not comparable")
        agree = _common_prefix(tokens["hf_cached"], tokens["hf_uncached"])
        rows.append(Row(n, timings["hf_cached"], timings["hf_uncached"], timings["impl_cached"],
                        timings["impl_uncached"], agree))
    return rows


def _common_prefix(a, b) -> int:
    """How many leading tokens two [1, n] id tensors share."""
    a, b = a[0].tolist(), b[0].tolist()
    n = 0
    while n < min(len(a), len(b)) and a[n] == b[n]:
        n += 1
    return n


class BenchError(RuntimeError):
    pass


def float32_on_cpu(model, log=print):
    """The model a CPU bench times: a float32 copy (bf16 matmuls on CPUs without bf16 units are slower and
    would hide the point), or the model itself on any other device or when it is float32 already."""
    import torch

    from kata.testkit.probes import float32_copy

    if model.device.type != "cpu" or model.dtype == torch.float32:
        return model
    log(f"float32 on the CPU: a float32 copy of the {model.dtype} model")
    return float32_copy(model)


def synchronize(device) -> None:
    """GPUs run asynchronously: wait for the queued work before reading the clock."""
    import torch

    if device.type == "cuda":
        torch.cuda.synchronize(device)
    elif device.type == "mps":
        torch.mps.synchronize()


def memory_bandwidth_gbs(device=None, size_mb: int = 256, repeats: int = 5) -> float:
    """Copy bandwidth of the memory the model lives in (the GPU's on CUDA and MPS, else the host's),
    read plus write, in GB/s: the best of a few synchronised copies."""
    import torch

    device = torch.device(device or "cpu")
    src = torch.ones(size_mb * 2**20 // 4, device=device)
    dst = torch.empty_like(src)
    dst.copy_(src)  # warm-up: allocation, first-touch page faults
    best = float("inf")
    for _ in range(repeats):
        synchronize(device)
        start = time.perf_counter()
        dst.copy_(src)
        synchronize(device)
        best = min(best, time.perf_counter() - start)
    return 2 * src.numel() * 4 / best / 1e9


def weight_bytes(model) -> int:
    """Bytes of weights a decode step reads: every unique parameter once."""
    return sum(p.numel() * p.element_size() for p in model.parameters())


def report(rows: list[Row], model, source: str, console, bandwidth: float | None) -> None:
    from rich.table import Table

    table = Table(title=f"Greedy decoding, prompt {PROMPT!r}", title_justify="left")
    for header in ("new tokens", "generate cached", "generate uncached", "yours cached", "yours uncached",
                   "cached tok/s", "cache speedup", "yours / generate"):
        table.add_column(header, justify="right")
    for r in rows:
        table.add_row(
            str(r.tokens), f"{r.hf_cached_s:.3f} s", f"{r.hf_uncached_s:.3f} s", f"{r.impl_cached_s:.3f} s",
            f"{r.impl_uncached_s:.3f} s", f"{r.tokens / r.hf_cached_s:.1f}",
            f"{r.hf_uncached_s / r.hf_cached_s:.1f}x / {r.impl_uncached_s / r.impl_cached_s:.1f}x",
            f"{r.impl_cached_s / r.hf_cached_s:.2f}",
        )
    console.print(f"model: {source}")
    console.print(f"dtype {dtype_name(model.dtype)}, device {model.device}, "
                  f"{weight_bytes(model) / 1e6:.1f} MB of weights")
    console.print(table)
    console.print("cache speedup: generate / yours, uncached time over cached time. "
                  "yours / generate: your cached loop's time over generate's (1.00 = as fast).")
    parted = [r for r in rows if r.cached_uncached_agree < r.tokens]
    if parted:
        console.print("note: with and without the cache, the tokens agree for the first "
                      + ", ".join(f"{r.cached_uncached_agree} of {r.tokens}" for r in parted)
                      + ": the two paths round differently in " + dtype_name(model.dtype)
                      + ", and near-tied candidates (common with random weights) can flip. Your loops match "
                        "model.generate's token for token in both cases.")
    if bandwidth:
        bound = bandwidth * 1e9 / weight_bytes(model)
        last = rows[-1]
        where = "the GPU's memory" if model.device.type in ("cuda", "mps") else "the host's memory"
        console.print(f"memory bandwidth ({where}, a copy) {bandwidth:.1f} GB/s: reading every weight once per token "
                      f"bounds decoding at {bound:.1f} tokens/s; generate reaches {last.tokens / last.hf_cached_s:.1f} "
                      f"({100 * last.tokens / last.hf_cached_s / bound:.0f}% of the bound) at N={last.tokens}.")
        if model.device.type in ("cuda", "mps"):
            console.print("on a GPU at batch 1, a small model rarely gets near that bound: each step is a few hundred "
                          "small kernel launches driven from Python, and that fixed cost per step, not memory, sets "
                          "the pace. The cache pays only once recomputing the sequence costs more than that overhead: "
                          "time long generations (--tokens 256,1000) to see it.")


def plot(rows: list[Row], path: Path, title: str) -> None:
    """Total time against N, and time per new token: flat with the cache, a rising line without
    (each uncached step recomputes a longer sequence, so the total grows quadratically)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    n = [r.tokens for r in rows]
    fig, (total, per_token) = plt.subplots(1, 2, figsize=(10, 4.2))
    for field, label, style in (("hf_cached_s", "generate, cache", "-o"), ("impl_cached_s", "yours, cache", "--o"),
                                ("hf_uncached_s", "generate, no cache", "-s"),
                                ("impl_uncached_s", "yours, no cache", "--s")):
        seconds = [getattr(r, field) for r in rows]
        total.plot(n, seconds, style, label=label)
        per_token.plot(n, [1000 * s / k for s, k in zip(seconds, n)], style, label=label)
    total.set(xlabel="new tokens N", ylabel="seconds (median)", title="total time")
    per_token.set(xlabel="new tokens N", ylabel="milliseconds per new token", title="time per new token")
    for ax in (total, per_token):
        ax.grid(alpha=0.3)
    total.legend()
    fig.suptitle(title, fontsize=10)
    fig.tight_layout()
    fig.savefig(path, dpi=110)


def to_json(rows: list[Row], model, source: str) -> str:
    return json.dumps({
        "model": source,
        "dtype": dtype_name(model.dtype),
        "device": str(model.device),
        "rows": [{k: v for k, v in r.__dict__.items() if k != "cached_uncached_agree"} for r in rows],
    }, indent=1)
