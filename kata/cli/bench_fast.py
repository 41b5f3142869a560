"""The fast-loop table of `kata bench`: the 10_fast recipe, step by step, against the bandwidth bound.

At batch 1, from one prompt, with a warm-up and the median of a few repeats, it times greedy
decoding five ways: ``model.generate``, 05's cached loop, 10's ``generate_static`` eager, compiled
(inductor; on CUDA with CUDA graphs, ``mode="reduce-overhead"``), and compiled over
``quantize_model``'s int8 weights. Each row gives tokens/s and that speed as a share of the
memory-bandwidth bound (each decode step reads every weight once: bandwidth / bytes of weights).
The compile time (the first, warm-up run) is reported apart. Every row's tokens are compared with
``generate``'s, like for like: a row whose tokens differ says so (int8 weights may change a near tie).
On a CPU the model runs in float32: without bf16 units a CPU converts every bf16 weight it reads,
which would hide the point. Where inductor cannot run (no C++ compiler; MPS, where it is
experimental) the compiled rows fall back to the eager backend, and one line says why.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from kata.cli.bench import PROMPT, float32_on_cpu, memory_bandwidth_gbs, timed


def read_bytes(model) -> int:
    """Bytes a decode step reads: every unique parameter and buffer once (an Int8Linear's are buffers)."""
    seen, total = set(), 0
    for t in [*model.parameters(), *model.buffers()]:
        if t.data_ptr() not in seen:
            seen.add(t.data_ptr())
            total += t.numel() * t.element_size()
    return total


def pick_backend(device) -> tuple[str, str | None, str | None]:
    """(backend, mode, why not inductor or None) for torch.compile on this device."""
    if device.type == "mps":
        return "eager", None, "inductor is experimental on MPS: the compiled rows use backend='eager' (graph capture only)"
    if device.type == "cuda":
        try:
            from torch.utils._triton import has_triton
        except ImportError:  # pragma: no cover - very old torch
            has_triton = None
        if has_triton is not None and not has_triton():
            return "eager", None, "inductor on CUDA needs triton, which is not installed: the compiled rows use backend='eager'"
        return "inductor", "reduce-overhead", None
    if not any(shutil.which(c) for c in ("g++", "c++", "clang++", "cl")):
        return "eager", None, ("no C++ compiler found (g++ or clang++; MSVC's cl.exe on Windows): inductor cannot build "
                               "its CPU kernels, so the compiled rows use backend='eager' (graph capture only)")
    return "inductor", None, None


def _load_05(impl):
    """05's functions, the learner's or the reference, as kata bench loads them (the same side as ``impl``)."""
    from kata.course import manifest
    from kata.plugin import adapters

    path = getattr(impl, "_path", None)
    solutions = path is not None and "solutions" in Path(path).parts
    return adapters.load_implementation(manifest.find("05_kv_cache"), solutions=solutions)


def _cudagraph_skips() -> int:
    from torch._dynamo.utils import counters

    return int(counters["inductor"].get("cudagraph_skips", 0))


def fast_rows(model, tokenizer, impl, new_tokens: int, repeats: int, log=print, *, backend: str | None = None,
              impl05=None) -> list[dict]:
    """One dict per way of decoding: name, seconds, tok_s, bound_share, compile_s, same_tokens, note.

    ``impl``: 10_fast's functions (learner's or reference); ``impl05``: 05's (by default loaded the
    same way). ``backend`` forces the compiled rows' backend (e.g. "eager" where inductor's compile
    time is too long); by default inductor where it can run.
    """
    import torch

    model = float32_on_cpu(model, log)
    impl05 = impl05 if impl05 is not None else _load_05(impl)
    device = model.device
    auto_backend, mode, why = pick_backend(device)
    if backend is None:
        backend = auto_backend
        if why:
            log(why)
    elif backend != "inductor":
        mode = None
    bandwidth = memory_bandwidth_gbs(device)
    ids = tokenizer(PROMPT, return_tensors="pt").input_ids.to(device)
    mask = torch.ones_like(ids)

    def generate():
        out = model.generate(ids, attention_mask=mask, max_new_tokens=new_tokens, do_sample=False, eos_token_id=None,
                             repetition_penalty=1.0, temperature=None, top_p=None, top_k=None)
        return out[:, ids.shape[1]:]

    quantized = impl.quantize_model(model)
    compiled = f"compiled ({backend}{', ' + mode if mode else ''})"
    ways = [("generate", model, generate, False),
            ("05 cached loop", model, lambda: impl05.generate_cached(model, ids, new_tokens), False),
            ("static, eager", model, lambda: impl.generate_static(model, ids, new_tokens), False)]
    step = impl.compile_step(backend=backend, mode=mode)
    ways.append((f"static, {compiled}", model, lambda: impl.generate_static(model, ids, new_tokens, None, step), True))
    qstep = impl.compile_step(backend=backend, mode=mode)
    ways.append((f"static, {compiled}, int8", quantized,
                 lambda: impl.generate_static(quantized, ids, new_tokens, None, qstep), True))

    rows, reference = [], None
    for name, weights, fn, is_compiled in ways:
        if is_compiled:
            torch._dynamo.reset()  # each compiled row pays (and reports) its own compile
        skips = _cudagraph_skips()
        first, seconds, tokens = timed(fn, repeats, device)
        skipped = _cudagraph_skips() - skips  # CUDA graphs really used? inductor counts each time it falls back
        tokens = tokens.cpu()
        reference = tokens if reference is None else reference
        agree = next((i for i, (a, b) in enumerate(zip(tokens[0].tolist(), reference[0].tolist())) if a != b), None)
        bound = bandwidth * 1e9 / read_bytes(weights)
        tok_s = new_tokens / seconds
        row = dict(name=name, seconds=seconds, tok_s=tok_s, bound_tok_s=bound, bound_share=tok_s / bound,
                   weight_mb=read_bytes(weights) / 1e6, compile_s=(first - seconds) if is_compiled else None,
                   same_tokens=agree is None and tokens.shape == reference.shape,
                   note="" if agree is None else f"tokens differ from generate's from new token {agree}")
        if is_compiled and mode == "reduce-overhead":
            row["note"] = (row["note"] + "; " if row["note"] else "") + (
                f"CUDA graphs skipped {skipped} time(s)" if skipped else "CUDA graphs used")
        rows.append(row)
        log(f"  {name:<40} {seconds:8.3f} s  {tok_s:7.1f} tok/s"
            + (f"  (compile {row['compile_s']:.1f} s)" if is_compiled else ""))
    torch._dynamo.reset()
    for row in rows:
        row.update(device=str(device), dtype=str(model.dtype).replace("torch.", ""), bandwidth_gbs=bandwidth,
                   new_tokens=new_tokens, torch=torch.__version__)
    return rows


def fast_report(rows: list[dict], console) -> None:
    """The table: tok/s, share of the bandwidth bound, speed against generate, compile time apart."""
    from rich.table import Table

    first = rows[0]
    table = Table(title=f"Greedy decoding at batch 1, {first['new_tokens']} new tokens, prompt {PROMPT!r}",
                  title_justify="left")
    for header in ("way", "tok/s", "x generate", "weights MB", "% of bound", "compile s", "tokens"):
        table.add_column(header, justify="left" if header in ("way", "tokens") else "right")
    for r in rows:
        table.add_row(r["name"], f"{r['tok_s']:.1f}", f"{r['tok_s'] / first['tok_s']:.2f}", f"{r['weight_mb']:.0f}",
                      f"{100 * r['bound_share']:.0f}%", "" if r["compile_s"] is None else f"{r['compile_s']:.1f}",
                      ("same" + (f"; {r['note']}" if r["note"] else "")) if r["same_tokens"] else r["note"] or "differ")
    console.print(f"{first['dtype']} on {first['device']}, torch {first['torch']}; memory bandwidth "
                  f"{first['bandwidth_gbs']:.1f} GB/s (a copy, read + write)")
    console.print(table)
    console.print("% of bound: tokens/s over bandwidth / bytes of weights (each decode step reads every weight once). "
                  "compile s: the first run minus a warm one, reported apart from the speed.")
