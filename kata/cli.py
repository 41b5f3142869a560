"""The `kata` command: the learner's and the instructor's loop (in the style of rustlings).

    kata                     list the exercises and your progress (same as `kata list`)
    kata check [EX]          grade an exercise (default: the first one not done)
    kata watch [EX]          re-check every time you save, move on when it passes
    kata hint EX             the next hint for an exercise
    kata solution EX         the reference solution, once your exercise passes
    kata reset EX            restore the original file (yours is backed up first)
    kata notebook EX         write a Jupyter notebook for the exercise (grade it with check --notebook)
    kata download            fetch the real model into the Hugging Face cache
    kata doctor              what this machine has: versions, devices, caches, network
    kata bench               time the 05_kv_cache loops against model.generate

EX may be written 3, 03, 03_logits or logits. Commands that do not run a model never import
torch, so they answer at once.
"""

from __future__ import annotations

import argparse
import json
import os
import queue
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from kata import manifest, pristine, state
from kata.errors import KataError
from kata.adapters import relative
from kata.i18n import Translator, detect
from kata.manifest import ROOT, Exercise


console = Console(highlight=False)
_ = Translator("en")


def find_exercise(key: str | None) -> Exercise:
    if key is None:
        return first_not_done()
    try:
        return manifest.find(key)
    except KeyError as error:
        raise KataError(error.args[0]) from None


def first_not_done() -> Exercise:
    data = state.load()
    for exercise in manifest.exercises():
        if state.status(exercise.id, data) != state.DONE:
            return exercise
    return manifest.exercises()[-1]


# --- list -------------------------------------------------------------------------------------


def cmd_list(args) -> int:
    data = state.load()
    table = Table(title=_("title"), title_justify="left", show_edge=False)
    for column in ("col_exercise", "col_title", "col_status"):
        table.add_column(_(column))
    table.add_column(_("col_file"), overflow="fold")
    style = {state.DONE: "green", state.FAILING: "red", state.NOT_STARTED: "dim"}
    done = 0
    for exercise in manifest.exercises():
        status = state.status(exercise.id, data)
        done += status == state.DONE
        title = exercise.title_zh if _.lang == "zh" else exercise.title
        record = data.get("exercises", {}).get(exercise.id, {})
        shown = _(status) + (f" ({record['passed']}/{record['total']})" if status == state.FAILING else "")
        table.add_row(exercise.id, title, f"[{style[status]}]{shown}[/]", relative(exercise.module_path()))
    console.print(table)
    total = len(manifest.exercises())
    console.print(_("progress", done=done, total=total))
    if done == total:
        console.print(f"[green]{_('all_done')}[/]")
    else:
        nxt = first_not_done()
        console.print(_("next", id=nxt.id, file=relative(nxt.module_path()), lesson=relative(nxt.lesson)))
    return 0


# --- check ------------------------------------------------------------------------------------


def run_graded(exercise: Exercise, solutions=False, model=None, impl_file=None) -> tuple[list[dict], str, int]:
    """Run the exercise's graded tests in a fresh interpreter; return (results, output, exit code)."""
    with tempfile.TemporaryDirectory() as tmp:
        report = Path(tmp) / "report.json"
        env = {**os.environ, "KATA_REPORT": str(report)}
        env.pop("KATA_IMPL_FILE", None)
        if impl_file:
            env["KATA_IMPL_FILE"] = str(Path(impl_file).resolve())
        cmd = [sys.executable, "-m", "pytest", str(exercise.folder()), "-q", "-p", "no:cacheprovider",
               "--no-header", "-rN", "--tb=short", "--color=no"]
        if solutions:
            cmd.append("--solutions")
        if model:
            cmd += ["--model", model]
        # stderr is left on the terminal: a first download's progress bars show as they happen.
        proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.PIPE, text=True, encoding="utf-8")
        lines = []
        for line in proc.stdout:
            lines.append(line)
            if line.startswith(("llm-kata", "built the offline", "Downloading")):
                console.print(f"[dim]{escape(line.rstrip())}[/]")
        code = proc.wait()
        results = json.loads(report.read_text(encoding="utf-8"))["results"] if report.exists() else []
        return results, "".join(lines), code


def show_results(exercise: Exercise, results: list[dict]) -> None:
    shown_in_full = 0
    for r in results:
        test = r["nodeid"].split("::", 1)[-1].removeprefix("test_").replace("_", " ")
        label = f"{r['task']}: {test}" if r["task"] else test
        if r["outcome"] == "passed":
            console.print(f"  [green]✓[/] {escape(label)}")
            continue
        console.print(f"  [red]✗[/] {escape(label)}")
        message = r["message"].strip()
        if shown_in_full < 3 or message.startswith("TODO"):
            console.print("      " + escape(message).replace("\n", "\n      "))
            shown_in_full += 1
        else:
            console.print("      " + escape(message.splitlines()[0] if message else ""))


def check(exercise: Exercise, solutions=False, model=None, impl_file=None, worker=None) -> bool:
    what = _("what_solutions") if solutions else _("what_exercises")
    if impl_file:
        what = relative(Path(impl_file))
    title = exercise.title_zh if _.lang == "zh" else exercise.title
    console.print(f"[bold]{_('checking', id=exercise.id, title=title, what=what)}[/]")
    edited = [f for f in pristine.edited_test_files() if f.startswith(f"exercises/{exercise.id}/")]
    if edited:
        console.print(f"[yellow]{_('edited_tests', files=', '.join(edited), id=exercise.id)}[/]")
    answer = worker.check(exercise.folder(), timeout=600) if worker else None
    if answer is not None:
        (results, code), output = answer, "(see .kata/worker.log)"
    else:
        results, output, code = run_graded(exercise, solutions, model, impl_file)
    if not results:
        console.print(f"[red]{_('no_results')}[/]")
        console.print(escape("\n".join(output.strip().splitlines()[-15:])))
        return False
    show_results(exercise, results)
    passed = sum(r["outcome"] == "passed" for r in results)
    all_passed = passed == len(results) and code == 0 and not edited
    if not impl_file:
        state.record_result(exercise.id, passed, len(results), solutions=solutions)
    if all_passed:
        console.print(f"[green bold]{_('passed', id=exercise.id, total=len(results))}[/]")
    else:
        console.print(f"[red bold]{_('failed', id=exercise.id, passed=passed, total=len(results))}[/]")
        console.print(_("stuck", lesson=relative(exercise.lesson), id=exercise.id))
    return all_passed


def cmd_check(args) -> int:
    exercise = find_exercise(args.exercise)
    impl_file = None
    if args.notebook:
        from kata import notebooks

        impl_file = notebooks.extract_to_module(Path(args.notebook), exercise)
    return 0 if check(exercise, args.solutions, args.model, impl_file) else 1


def cmd_notebook(args) -> int:
    from kata import notebooks

    exercise = find_exercise(args.exercise)
    path = notebooks.write(exercise, Path(args.out) if args.out else None, force=args.force)
    console.print(_("notebook_written", path=relative(path), id=exercise.id))
    return 0


# --- watch ------------------------------------------------------------------------------------


def _file_events(folder: Path, events: queue.Queue, poll: bool):
    """Start a watchdog observer on ``folder`` that puts saved paths on ``events``."""
    from watchdog.events import FileSystemEventHandler
    from watchdog.observers import Observer
    from watchdog.observers.polling import PollingObserver

    class Saved(FileSystemEventHandler):
        def on_any_event(self, event):
            if event.event_type in ("modified", "created", "moved") and not event.is_directory:
                events.put(("saved", getattr(event, "dest_path", None) or event.src_path))

    for observer_class in ([] if poll else [Observer]) + [PollingObserver]:
        observer = observer_class(timeout=0.5) if observer_class is PollingObserver else observer_class()
        observer.schedule(Saved(), str(folder), recursive=False)
        try:
            observer.start()
        except OSError:  # e.g. inotify limits reached: fall back to polling
            continue
        if observer_class is PollingObserver and not poll:
            console.print(f"[yellow]{_('watch_polling')}[/]")
        return observer
    raise KataError("could not watch the exercise folder for changes")


def _keyboard(events: queue.Queue) -> None:
    """Enter re-checks, h shows a hint, q quits: the manual way, wherever file events fail."""
    for line in sys.stdin:
        command = line.strip().lower()
        events.put(("quit",) if command in ("q", "quit", "exit") else ("hint",) if command == "h" else ("check",))


def cmd_watch(args) -> int:
    exercise = find_exercise(args.exercise)
    events: queue.Queue = queue.Queue()
    threading.Thread(target=_keyboard, args=(events,), daemon=True).start()
    observer, watched = None, None
    worker = None
    if not args.no_worker:
        from kata.worker import Worker

        worker = Worker(args.model)  # keeps torch and the model loaded between checks
    try:
        while True:
            module = exercise.module_path()
            console.rule(exercise.id)
            passed = check(exercise, model=args.model, worker=worker)
            if passed:
                following = [e for e in manifest.exercises() if e.number > exercise.number]
                if not following:
                    console.print(f"[green bold]{_('all_done')}[/]")
                    return 0
                console.print(f"[green]{_('watch_next', id=exercise.id, next=following[0].id)}[/]")
                exercise = following[0]
                continue
            if watched != exercise.folder():
                if observer:
                    observer.stop()
                watched = exercise.folder()
                observer = _file_events(watched, events, args.poll)
            console.print(f"[cyan]{_('watch_start', file=relative(module))}[/]")
            while True:
                event = events.get()
                if event[0] == "quit":
                    console.print(_("bye"))
                    return 0
                if event[0] == "hint":
                    show_hint(exercise)
                    continue
                if event[0] == "saved" and Path(event[1]).resolve() != module.resolve():
                    continue
                time.sleep(0.2)  # editors save in several writes: let them finish
                while not events.empty():
                    events.get_nowait()
                break
    except KeyboardInterrupt:
        console.print(f"\n{_('bye')}")
        return 0
    finally:
        if observer:
            observer.stop()
        if worker:
            worker.stop()


# --- hint, solution, reset ------------------------------------------------------------------


def show_hint(exercise: Exercise) -> None:
    index = state.next_hint_index(exercise.id)
    hints = exercise.hints
    if index >= len(hints):
        console.print(_("no_more_hints", id=exercise.id, lesson=relative(exercise.lesson)))
        for n, hint in enumerate(hints, 1):
            console.print(f"  {n}. {escape(hint.zh if _.lang == 'zh' else hint.en)}")
        return
    hint = hints[index]
    console.print(f"[bold]{_('hint', n=index + 1, total=len(hints), id=exercise.id)}[/]")
    console.print("  " + escape(hint.zh if _.lang == "zh" else hint.en))
    state.hint_shown(exercise.id, index + 1)


def cmd_hint(args) -> int:
    show_hint(find_exercise(args.exercise))
    return 0


def cmd_solution(args) -> int:
    from rich.syntax import Syntax

    exercise = find_exercise(args.exercise)
    if state.status(exercise.id) != state.DONE and not args.force:
        console.print(f"[yellow]{_('solution_locked', id=exercise.id)}[/]")
        return 1
    path = exercise.module_path(solutions=True)
    console.print(f"[bold]{relative(path)}[/]")
    console.print(Syntax(path.read_text(encoding="utf-8"), "python", line_numbers=True))
    return 0


def backup(path: Path, exercise: Exercise) -> Path:
    folder = state.STATE_DIR / "backups" / exercise.id
    folder.mkdir(parents=True, exist_ok=True)
    stamp = time.strftime("%Y%m%d-%H%M%S")
    target = folder / f"{path.stem}-{stamp}{path.suffix}"
    n = 1
    while target.exists():
        target = folder / f"{path.stem}-{stamp}-{n}{path.suffix}"
        n += 1
    target.write_bytes(path.read_bytes())
    return target


def cmd_reset(args) -> int:
    exercise = find_exercise(args.exercise)
    if args.tests:
        files = [f for f in pristine.shipped_record() if f.startswith(f"exercises/{exercise.id}/test_")]
    else:
        files = [relative(exercise.module_path())]
    if not args.yes:
        if not sys.stdin.isatty():
            raise KataError(f"reset replaces {', '.join(files)}; run it with --yes to confirm")
        if input(_("reset_confirm", file=", ".join(files))).strip().lower() not in ("y", "yes", "是"):
            console.print(_("reset_cancelled"))
            return 1
    for rel in files:
        content = pristine.shipped_content(rel)  # fetch first: never back up and then fail
        path = ROOT / rel
        saved = backup(path, exercise) if path.exists() else None
        path.write_bytes(content)
        if saved:
            console.print(_("reset_done", file=rel, backup=relative(saved)))
    return 0


# --- download, doctor -------------------------------------------------------------------------


def cmd_download(args) -> int:
    from kata import models

    cached = models.cached_real_model()
    if cached:
        console.print(_("download_cached", model=models.REAL_MODEL_ID, path=cached))
        return 0
    if not models.hub_reachable():
        console.print(f"[red]{_('download_offline', s=models.PROBE_TIMEOUT_S)}[/]")
        return 1
    try:
        path = models.download_real_model()
    except KeyboardInterrupt:
        raise
    except Exception as error:  # noqa: BLE001 - network and disk errors, said in one sentence
        raise KataError(f"the download stopped ({type(error).__name__}: {error}); run `kata download` "
                        "again to resume where it stopped") from None
    console.print(f"[green]{_('download_done', model=models.REAL_MODEL_ID, path=path)}[/]")
    return 0


def cmd_doctor(args) -> int:
    import platform

    from kata import models, standin

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
    except ImportError as error:
        rows.append(("torch/transformers", f"[red]not importable: {error}[/]"))
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
    built = standin.standin_dir()
    rows.append(("stand-in", f"{built} ({'built' if (built / 'model.safetensors').exists() else 'built on first use'})"))
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
    from kata import adapters, bench, models

    try:
        counts = [int(n) for n in args.tokens.split(",")]
    except ValueError:
        raise KataError(f"--tokens takes numbers separated by commas, like 16,64,256 (not {args.tokens!r})") from None
    exercise = manifest.find("05_kv_cache")
    try:
        impl = adapters.load_implementation(exercise, solutions=args.impl == "solutions")
        resolved = bench.resolve_bench_model(args.model or models.requested_spec())
    except (adapters.ImplementationError, models.ModelUnavailable) as error:
        raise KataError(str(error)) from None
    model, tokenizer = models.load(resolved)
    log = (lambda *_: None) if args.json else (lambda line: console.print(f"[dim]{escape(line)}[/]"))
    try:
        rows = bench.run(model, tokenizer, impl, counts, repeats=args.repeats, log=log)
    except NotImplementedError as error:
        raise KataError(f"{error} (or measure the reference: --impl solutions)") from None
    except bench.BenchError as error:
        raise KataError(str(error)) from None
    if args.json:
        print(bench.to_json(rows, model, resolved.source))
    else:
        bench.report(rows, model, resolved.source, console, bench.memory_bandwidth_gbs())
    if args.plot:
        try:
            bench.plot(rows, Path(args.plot), f"{resolved.source.split(':')[0].split('(')[0].strip()}, "
                       f"{models.dtype_name(model.dtype)} on {model.device.type}, {args.impl}")
        except ImportError:
            raise KataError("--plot needs matplotlib: pip install matplotlib") from None
        if not args.json:
            console.print(f"plot: {args.plot}")
    return 0


# --- entry point ------------------------------------------------------------------------------


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="kata", description="llm-kata: graded exercises on how a transformer LLM runs.")
    p.add_argument("--lang", choices=["en", "zh"], help="language of the messages (default: from the locale)")
    sub = p.add_subparsers(dest="command")
    sub.add_parser("list", help="the exercises and your progress")
    c = sub.add_parser("check", help="grade an exercise")
    c.add_argument("exercise", nargs="?")
    c.add_argument("--solutions", action="store_true", help="grade the reference solution (instructors)")
    c.add_argument("--model", help="auto, qwen, tiny or a model directory (default: KATA_MODEL or auto)")
    c.add_argument("--notebook", help="grade the kata:solution cells of this notebook instead of the .py file")
    n = sub.add_parser("notebook", help="write a Jupyter notebook for an exercise")
    n.add_argument("exercise")
    n.add_argument("--out", help="folder for the notebook (default: notebooks/)")
    n.add_argument("--force", action="store_true", help="replace a notebook you have worked in")
    w = sub.add_parser("watch", help="re-check on every save")
    w.add_argument("exercise", nargs="?")
    w.add_argument("--model")
    w.add_argument("--poll", action="store_true", help="poll for changes instead of using file events")
    w.add_argument("--no-worker", action="store_true",
                   help="grade each time in a fresh process instead of one that keeps the model loaded")
    h = sub.add_parser("hint", help="the next hint")
    h.add_argument("exercise")
    s = sub.add_parser("solution", help="the reference solution, once your exercise passes")
    s.add_argument("exercise")
    s.add_argument("--force", action="store_true", help="show it anyway (instructors)")
    r = sub.add_parser("reset", help="restore the original file, backing yours up")
    r.add_argument("exercise")
    r.add_argument("--yes", action="store_true", help="do not ask for confirmation")
    r.add_argument("--tests", action="store_true", help="restore the graded test files instead")
    sub.add_parser("download", help="fetch the real model into the Hugging Face cache")
    sub.add_parser("doctor", help="check this machine's setup")
    b = sub.add_parser("bench", help="time the 05_kv_cache loops against model.generate")
    b.add_argument("--model", help="tiny, qwen, a directory, or shape:qwen2.5-0.5b (random weights, real size)")
    b.add_argument("--tokens", default="16,64,256", help="numbers of new tokens, comma-separated (default 16,64,256)")
    b.add_argument("--impl", choices=["solutions", "exercises"], default="solutions", help="whose loops to time")
    b.add_argument("--repeats", type=int, default=3, help="timed runs per measurement; the median is kept")
    b.add_argument("--plot", help="write a PNG of time against new tokens")
    b.add_argument("--json", action="store_true", help="print the figures as JSON")
    return p


COMMANDS = {
    None: cmd_list, "list": cmd_list, "check": cmd_check, "watch": cmd_watch, "hint": cmd_hint,
    "solution": cmd_solution, "reset": cmd_reset, "notebook": cmd_notebook,
    "bench": cmd_bench, "download": cmd_download, "doctor": cmd_doctor,
}


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    _.lang = detect(args.lang)
    try:
        return COMMANDS[args.command](args)
    except KataError as error:
        console.print(f"[red]kata: {escape(str(error))}[/]")
        return 2
    except KeyboardInterrupt:
        console.print(f"\n{_('bye')}")
        return 130


if __name__ == "__main__":
    sys.exit(main())
