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
import sys

from rich.markup import escape

from kata.cmd_check import cmd_check, cmd_notebook
from kata.cmd_files import cmd_hint, cmd_list, cmd_reset, cmd_solution
from kata.cmd_setup import cmd_bench, cmd_doctor, cmd_download
from kata.cmd_watch import cmd_watch
from kata.errors import KataError
from kata.i18n import detect
from kata.ui import _, console


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
