"""What every `kata` command shares: the console, the messages' language, finding an exercise,
and showing a grading report."""

from __future__ import annotations

from rich.console import Console
from rich.markup import escape

from kata import manifest, state
from kata.errors import KataError
from kata.grading import Report
from kata.i18n import Translator
from kata.manifest import Exercise

console = Console(highlight=False)
_ = Translator("en")  # its language is set once, by kata.cli.main


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


DETAILED_EXPLANATIONS = 5  # distinct explanations shown in full before the rest are summarised


def show_results(report: Report, show_all: bool = False) -> int:
    """Each test's outcome; one full explanation per distinct mistake. Returns how many were hidden."""
    explained: set[str] = set()
    hidden = 0
    for r in report.results:
        if r.passed:
            console.print(f"  [green]✓[/] {escape(r.label)}")
            continue
        console.print(f"  [red]✗[/] {escape(r.label)}")
        message = r.message.strip()
        if message in explained:
            console.print(f"      [dim]{_('same_explanation')}[/]")
        elif show_all or len(explained) < DETAILED_EXPLANATIONS or message.startswith("TODO"):
            console.print("      " + escape(message).replace("\n", "\n      "))
            explained.add(message)
        else:
            console.print("      " + escape(message.splitlines()[0] if message else ""))
            hidden += 1
    return hidden


def title_of(exercise: Exercise) -> str:
    return exercise.title_zh if _.lang == "zh" else exercise.title
