"""`kata download`, `doctor` and `bench`: the model, the machine, and the timings."""

from __future__ import annotations

import os
import sys
from pathlib import Path

from rich.markup import escape
from rich.table import Table

from kata.cli.ui import console
from kata.core.errors import KataError
from kata.core.hfutil import dtype_name
from kata.course import manifest, pristine, state
from kata.i18n import t


def cmd_download(args) -> int:
    from kata.model import modelscope
    from kata.model import resolve as models

    if args.source == "modelscope":
        cached, problem = models.modelscope_copy_state()
        return _download(cached if not problem else None, modelscope.download, "kata download --source modelscope")
    cached = models.cached_real_model()
    if not cached and not models.hub_reachable():
        console.print(f"[red]{t('The Hugging Face hub cannot be reached (no answer within {s:.0f} s). Connect to a network and run `kata download` again; an interrupted download resumes where it stopped.', s=models.PROBE_TIMEOUT_S)}[/]")
        return 1
    return _download(cached, models.download_real_model, "kata download")


def _download(cached, fetch, again: str) -> int:
    """Say where the model already is, or fetch it; a failure is one sentence saying how to resume."""
    from kata.model import modelscope
    from kata.model import resolve as models

    if cached:
        console.print(t("{model} is already cached at {path}.", model=models.REAL_MODEL_ID, path=cached))
        return 0
    try:
        path = fetch()
    except modelscope.ModelScopeMissing as error:
        raise KataError(str(error)) from None
    except KeyboardInterrupt:
        raise
    except Exception as error:  # noqa: BLE001 - network and disk errors, said in one sentence
        raise KataError(t("the download stopped ({kind}: {error}); run `{again}` again to resume where it stopped",
                          kind=type(error).__name__, error=error, again=again)) from None
    console.print(f"[green]{t('{model} is in the Hugging Face cache at {path}. `pytest exercises/...` will use it.', model=models.REAL_MODEL_ID, path=path)}[/]")
    return 0


CPU_TORCH = "pip install torch --index-url https://download.pytorch.org/whl/cpu"


def torch_build_note(torch) -> str:
    """Which build of torch this is, and whether it suits the machine."""
    cuda = torch.version.cuda
    if cuda and not torch.cuda.is_available():
        return (f"[yellow]a CUDA {cuda} build, but no NVIDIA GPU is visible[/]: it takes GBs for nothing here; "
                f"the CPU build is far smaller: `pip uninstall torch && {CPU_TORCH}`")
    return f"CUDA {cuda}" if cuda else "CPU" + (" (MPS)" if getattr(torch.backends, "mps", None) and torch.backends.mps.is_built() else "")


def cmd_doctor(args) -> int:
    import platform

    from kata.model import resolve as models
    from kata.model import standin

    models.start_hub_probe()  # runs while torch imports
    rows = [("python", f"{platform.python_version()} ({sys.executable})")]
    try:
        import torch
        import transformers

        rows += [("torch", torch.__version__), ("transformers", transformers.__version__)]
        devices = ["cpu"]
        if torch.cuda.is_available():
            devices.insert(0, f"cuda ({torch.cuda.get_device_name(0)})")
        if getattr(torch.backends, "mps", None) and torch.backends.mps.is_available():
            devices.insert(0, "mps")
        rows += [("devices", ", ".join(devices)), ("course device", str(models.pick_device()))]
        rows.append(("torch build", torch_build_note(torch)))
    except ImportError as error:
        rows.append(("torch/transformers", f"[red]not importable: {error}[/]"))
    from kata.course import versions

    for problem in versions.problems():
        rows.append(("[red]version[/]", f"[red]{escape(problem)}[/]"))
    for package in ("accelerate", "huggingface_hub", "tokenizers"):
        try:
            rows.append((package, __import__(package).__version__))
        except ImportError:
            rows.append((package, "[red]missing[/]"))
    rows.append(("HF cache", str(models.hf_cache_dir())))
    cached, damaged = models.real_model_cache_state()
    if damaged:
        rows.append((models.REAL_MODEL_ID, f"[red]damaged[/] at {cached}: {damaged} (`kata download` repairs it)"))
    else:
        rows.append((models.REAL_MODEL_ID, f"[green]cached[/] at {cached}" if cached else "[yellow]not cached[/] (`kata download`)"))
    shipped = standin.standin_dir()
    found = (shipped / "model.safetensors").exists()
    rows.append(("stand-in", f"{shipped} ({t('shipped with the course') if found else '[red]' + t('missing: download the course again') + '[/]'})"))
    rows.append(("KATA_MODEL", os.environ.get("KATA_MODEL", "auto (default)")))
    rows.append(("hub", "[green]reachable[/]" if models.hub_reachable() else "[yellow]unreachable[/] (the stand-in is used)"))
    rows.append(("progress file", str(state.state_file())))
    edited = pristine.edited_test_files()
    rows.append(("graded tests", f"[yellow]edited: {', '.join(edited)}[/]" if edited else "[green]as shipped[/]"))
    table = Table(show_header=False, show_edge=False)
    for key, value in rows:
        table.add_row(key, value)
    console.print(table)
    return 0


def cmd_bench(args) -> int:
    from kata.cli import bench
    from kata.model import resolve as models
    from kata.plugin import adapters

    try:
        counts = [int(n) for n in args.tokens.split(",")]
    except ValueError:
        raise KataError(t("--tokens takes numbers separated by commas, like 16,64,256 (not {tokens!r})", tokens=args.tokens)) from None
    exercise = manifest.find("10_fast" if args.fast else "11_serve" if args.serve else
                             "12_speculative" if args.speculative else "05_kv_cache")
    try:
        impl = adapters.load_implementation(exercise, solutions=args.impl == "solutions")
        resolved = bench.resolve_bench_model(args.model or models.requested_spec())
    except (adapters.ImplementationError, models.ModelUnavailable) as error:
        raise KataError(str(error)) from None
    model, tokenizer = models.load(resolved)
    log = (lambda *_: None) if args.json else (lambda line: console.print(f"[dim]{escape(line)}[/]"))
    if args.fast or args.serve or args.speculative:
        return _bench_part_two(args, impl, model, tokenizer, resolved, counts, log)
    try:
        rows = bench.run(model, tokenizer, impl, counts, repeats=args.repeats, log=log)
    except NotImplementedError as error:
        raise KataError(t("{error} (or measure the reference: --impl solutions)", error=error)) from None
    except bench.BenchError as error:
        raise KataError(str(error)) from None
    if args.json:
        print(bench.to_json(rows, model, resolved.source))
    else:
        bench.report(rows, model, resolved.source, console, bench.memory_bandwidth_gbs(model.device))
    if args.plot:
        try:
            bench.plot(rows, Path(args.plot), f"{resolved.source.split(':')[0].split('(')[0].strip()}, "
                       f"{dtype_name(model.dtype)} on {model.device.type}, {args.impl}")
        except ImportError:
            raise KataError(t("--plot needs matplotlib: pip install matplotlib")) from None
        if not args.json:
            console.print(f"plot: {args.plot}")
    return 0


def _bench_part_two(args, impl, model, tokenizer, resolved, counts, log) -> int:
    """`kata bench --fast` (10_fast's loops), `--serve` (11_serve's engine), `--speculative` (12's decoding)."""
    import json

    try:
        if args.speculative:
            from kata.cli import bench_speculative

            rows = bench_speculative.speculative_rows(model, tokenizer, impl, counts[0], repeats=args.repeats, log=log)
            cost = bench_speculative.positions_cost(model)
            if args.json:
                print(json.dumps({"rows": rows, "positions": cost}, indent=1))
            else:
                copies = not (resolved.is_standin or (args.model or "").startswith("shape:"))
                bench_speculative.report(rows, cost, resolved.source, console, copies)
            return 0
        if args.fast:
            from kata.cli import bench_fast

            rows = bench_fast.fast_rows(model, tokenizer, impl, counts[0], args.repeats, log, backend=args.backend)
            print(json.dumps(rows, indent=1)) if args.json else bench_fast.fast_report(rows, console)
            return 0
        from kata.cli import bench_serve

        if model.device.type == "cpu":
            model = model.float()  # a bf16 step over many rows costs several single steps on CPUs without bf16 units
        fast, mem, ways, blocks = bench_serve.run(model, impl, log=log)
    except NotImplementedError as error:
        raise KataError(t("{error} (or measure the reference: --impl solutions)", error=error)) from None
    if args.json:
        print(json.dumps({"throughput": [vars(r) for r in fast], "memory": [vars(r) for r in mem],
                          "serving": ways, "blocks": blocks}, indent=1))
    else:
        from kata.cli import bench_serve_ways

        bench_serve.report(fast, mem, model, resolved.source, console)
        bench_serve_ways.report(ways, blocks, bench_serve.requests_mix(model.config.vocab_size), console)
    if args.plot:
        try:
            bench_serve.plot(fast, mem, Path(args.plot), f"{resolved.source}, {args.impl}", blocks)
        except ImportError:
            raise KataError(t("--plot needs matplotlib: pip install matplotlib")) from None
    return 0

