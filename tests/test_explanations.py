"""One full explanation per distinct mistake: failures are grouped by the explanation they give
(its template, not its rendered text), in the order of the exercise's functions."""

from __future__ import annotations

from graded_runs import ROOT, graded_in_process
from kata.cli import ui
from kata.course import manifest
from kata.grading import run as grading

THREE_MISTAKES = ROOT / "tests" / "learners" / "three_mistakes_03.py"


def shown(report: grading.Report, functions: list[str], show_all: bool = False) -> str:
    with ui.console.capture() as captured:
        ui.show_results(report, functions, show_all)
    return captured.get()


def test_three_distinct_mistakes_are_explained_once_each():
    report = graded_in_process("exercises/03_logits", impl_file=THREE_MISTAKES)
    failed = [r for r in report.results if not r.passed]
    groups = grading.grouped(report.results, manifest.find("03_logits").functions)
    assert [g[0].task for g in groups] == ["encode", "hidden_states", "last_token_logits"], [
        [(r.task, r.explanation) for r in g] for g in groups]
    encode = groups[0]
    assert len(encode) == 4 and len({r.explanation for r in encode}) == 1, [r.message for r in encode]
    assert len({r.message for r in encode}) > 1, "the grouping must not rest on identical text"
    assert sum(len(g) for g in groups) == len(failed)

    text = shown(report, manifest.find("03_logits").functions)
    for group in groups:
        explanation = group[0].message.strip().splitlines()[-1]
        assert text.count(explanation) == 1, f"{explanation!r} is not shown exactly once:\n{text}"
    repeated = [g for g in groups if len(g) > 1]
    assert text.count("the same mistake, explained above, also fails") == len(repeated)
    assert "the four steps together" in text  # named on the encode line: it fails because encode does
    assert text.index("no batch dimension") < text.index("token embeddings") < text.index("FIRST position")


def test_all_shows_every_failure_in_full():
    report = graded_in_process("exercises/03_logits", impl_file=THREE_MISTAKES, task="encode")
    text = shown(report, manifest.find("03_logits").functions, show_all=True)
    assert text.count("no batch dimension") == 3  # the three encode tests it fails, each in full


def test_an_explanation_id_does_not_depend_on_the_values_that_fill_it_in():
    template = "row {row} stops after {n} new token(s)"
    assert grading.explanation_id("mistake", template) == grading.explanation_id("mistake", template)
    assert grading.explanation_id("mistake", template) != grading.explanation_id("mistake", template + ".")
    assert grading.explanation_id("todo:encode") == "todo:encode"


def test_the_failure_is_recorded_in_both_languages():
    report = graded_in_process("exercises/03_logits", impl_file=THREE_MISTAKES, task="last_token_logits")
    failed = [r for r in report.results if not r.passed]
    assert failed and all(set(r.messages) == {"en", "zh"} for r in failed)
    assert "likely mistake" in failed[0].messages["en"] and "可能的错误" in failed[0].messages["zh"]
    assert "likely mistake" not in failed[0].messages["zh"]
