"""The `kata` command: the learner's and the instructor's loop (in the style of rustlings).

    kata                     list the exercises and your progress (same as `kata list`)
    kata check [EX]          grade an exercise (default: the first one not done)
    kata check --solutions   grade the whole course against the reference solutions (instructors)
    kata watch [EX]          re-check every time you save, move on when it passes
    kata hint EX             the next hint for the function you are stuck on
    kata solution EX         the reference solution, once your exercise passes (--apply copies it in)
    kata reset EX            restore the original file (yours is backed up first)
    kata restore EX          bring back the file the last reset backed up
    kata notebook EX         write a Jupyter notebook for the exercise (grade it with check --notebook)
    kata download            fetch the real model into the Hugging Face cache
    kata doctor              what this machine has: versions, devices, caches, network
    kata bench               time the 05_kv_cache loops against model.generate
    kata dev new|check|verify   for instructors: add an exercise, check it in seconds, prove it
    kata room serve|join|...    a workshop: the instructor sees every learner's progress, live

EX may be written 3, 03, 03_logits or logits. Commands that do not run a model never import
torch, so they answer at once.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from pathlib import Path

from rich.markup import escape

from kata.cli.check import cmd_check, cmd_notebook
from kata.cli.dev_args import dev_arguments
from kata.cli.files import cmd_hint, cmd_list, cmd_reset, cmd_restore, cmd_solution
from kata.cli.room import cmd_room, room_arguments
from kata.cli.setup import cmd_bench, cmd_doctor, cmd_download
from kata.cli.ui import console
from kata.cli.watch import cmd_watch
from kata.core.errors import KataError
from kata.course.manifest import ROOT
from kata.i18n import set_language, t


def parser() -> argparse.ArgumentParser:
    # --lang is accepted before or after the command (`kata --lang zh check 3`, `kata check 3 --lang zh`).
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--lang", choices=["en", "zh"], default=argparse.SUPPRESS,
                        help="language of the messages (default: KATA_LANG, then the locale)")
    p = argparse.ArgumentParser(prog="kata", parents=[common],
                                description="llm-kata: graded exercises on how a transformer LLM runs.")
    sub = p.add_subparsers(dest="command")

    def command(name: str, help: str) -> argparse.ArgumentParser:
        return sub.add_parser(name, help=help, parents=[common])

    command("list", "the exercises and your progress").add_argument(
        "--json", action="store_true", help="the progress as JSON, for programs")
    c = command("check", "grade an exercise")
    c.add_argument("exercise", nargs="?", help="default: the first exercise not done (with --solutions: all of them)")
    c.add_argument("--solutions", action="store_true",
                   help="grade the reference solution; with no exercise, the whole course, then a summary (instructors)")
    c.add_argument("--model", help="auto, qwen, tiny or a model directory (default: KATA_MODEL or auto)")
    c.add_argument("--notebook", help="grade the kata:solution cells of this notebook instead of the .py file")
    c.add_argument("--all", action="store_true", help="explain every failure in full")
    n = command("notebook", "write a Jupyter notebook for an exercise")
    n.add_argument("exercise", nargs="?", help="default: the first exercise not done")
    n.add_argument("--out", help="folder for the notebook (default: notebooks/)")
    n.add_argument("--force", action="store_true", help="replace a notebook you have worked in")
    w = command("watch", "re-check on every save")
    w.add_argument("exercise", nargs="?", help="default: the first exercise not done")
    w.add_argument("--model")
    w.add_argument("--poll", action="store_true", help="poll for changes instead of using file events")
    w.add_argument("--no-worker", action="store_true",
                   help="grade each time in a fresh process instead of one that keeps the model loaded")
    h = command("hint", "the next hint for the function you are stuck on (the first that fails)")
    h.add_argument("exercise", nargs="?", help="default: the first exercise not done")
    h.add_argument("--function", help="hints for this function instead")
    s = command("solution", "the reference solution, once your exercise passes")
    s.add_argument("exercise", nargs="?", help="default: the first exercise not done")
    s.add_argument("--force", action="store_true", help="show it anyway (instructors)")
    s.add_argument("--apply", action="store_true",
                   help="copy it over your file, saved first as reset does (`kata restore EX` undoes it)")
    r = command("reset", "restore the original file, backing yours up")
    r.add_argument("exercise")
    r.add_argument("--yes", action="store_true", help="do not ask for confirmation")
    r.add_argument("--tests", action="store_true", help="restore the graded test files instead")
    command("restore", "bring back the file that the last reset backed up").add_argument("exercise")
    d = command("download", "fetch the real model into the Hugging Face cache (or ModelScope's)")
    d.add_argument("--source", choices=["huggingface", "modelscope"], default="huggingface",
                   help="where from: the Hugging Face hub (HF_ENDPOINT for a mirror) or ModelScope (pip install modelscope)")
    command("doctor", "check this machine's setup")
    b = command("bench", "time the 05_kv_cache loops against model.generate")
    b.add_argument("--model", help="tiny, qwen, a directory, or shape:qwen2.5-0.5b (random weights, real size)")
    b.add_argument("--tokens", default="16,64,256", help="numbers of new tokens, comma-separated (default 16,64,256)")
    b.add_argument("--impl", choices=["solutions", "exercises"], default="solutions", help="whose loops to time")
    b.add_argument("--repeats", type=int, default=3, help="timed runs per measurement; the median is kept")
    b.add_argument("--plot", help="write a PNG of time against new tokens")
    b.add_argument("--json", action="store_true", help="print the figures as JSON")
    which = b.add_mutually_exclusive_group()
    which.add_argument("--fast", action="store_true", help="10_fast: generate, 05's loop, the static loop eager, "
                       "compiled and int8, at batch 1, each as a share of the memory-bandwidth bound")
    which.add_argument("--serve", action="store_true", help="11_serve: decode throughput by batch size, the KV "
                       "memory of pages against reserving the maximum length, and 16 requests served one by one, by "
                       "the Engine and by transformers' continuous batching, with the blocks in use per step")
    which.add_argument("--speculative", action="store_true", help="12_speculative: target passes per token and tok/s "
                       "against greedy, prompt lookup and a one-layer draft, from a copying prompt")
    b.add_argument("--backend", help="with --fast: the compiled rows' torch.compile backend (default: inductor where it can run)")
    dev_arguments(command("dev", "for instructors: new, check and verify an exercise"))
    room_arguments(command("room", "a workshop room: serve it (instructors), join or leave it (learners)"))
    return p


def cmd_dev(args) -> int:
    from kata.cli.dev import cmd_dev as dev  # the instructor's tools import pytest: only when asked for

    return dev(args)


COMMANDS = {
    None: cmd_list, "list": cmd_list, "check": cmd_check, "watch": cmd_watch, "hint": cmd_hint,
    "solution": cmd_solution, "reset": cmd_reset, "restore": cmd_restore, "notebook": cmd_notebook,
    "bench": cmd_bench, "download": cmd_download, "doctor": cmd_doctor,
    "dev": cmd_dev, "room": cmd_room,
}


def course_folder_around(folder: Path) -> Path | None:
    """The copy of the course that ``folder`` is in, found upward as git finds a repository."""
    for candidate in (folder, *folder.parents):
        if (candidate / "kata" / "manifest.toml").is_file() and (candidate / "exercises").is_dir():
            return candidate
    return None


def run_the_copy_here(argv: list[str] | None) -> int | None:
    """`kata` installed from one copy of the course and run inside another must act on the one the
    learner stands in: run that copy's own kata. None: this copy is the right one."""
    here = course_folder_around(Path.cwd().resolve())
    if here is None or here == ROOT.resolve():
        return None
    if os.environ.get("KATA_SWITCHED_COPY"):  # switched once and still wrong: say so, touch nothing
        raise KataError(t("this kata belongs to {root}, but you are in {here}; run `pip install -e .` in {here} "
                          "or use `python -m kata` there", root=ROOT, here=here))
    env = {**os.environ, "KATA_SWITCHED_COPY": "1",
           "PYTHONPATH": os.pathsep.join(filter(None, [str(here), os.environ.get("PYTHONPATH")]))}
    return subprocess.call([sys.executable, "-m", "kata", *(sys.argv[1:] if argv is None else argv)], env=env)


def main(argv: list[str] | None = None) -> int:
    try:
        switched = run_the_copy_here(argv)
    except KataError as error:
        console.print(f"[red]kata: {escape(str(error))}[/]")
        return 2
    if switched is not None:
        return switched
    args = parser().parse_args(argv)
    set_language(getattr(args, "lang", None))  # one language for everything this command says, graded runs included
    try:
        return COMMANDS[args.command](args)
    except KataError as error:
        console.print(f"[red]kata: {escape(str(error))}[/]")
        return 2
    except KeyboardInterrupt:
        console.print(f"\n{t('Bye! Your progress is saved.')}")
        return 130


if __name__ == "__main__":
    sys.exit(main())
