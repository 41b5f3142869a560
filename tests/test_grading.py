"""The grading report is a contract (the CLI, the watch worker, notebooks and these tests read it):
its shape is pinned by a golden file, and every graded run goes through kata.grading.run."""

from __future__ import annotations

import json
import os
from dataclasses import replace

import pytest

from graded_runs import ROOT, graded_in_process
from kata import i18n
from kata.course import pristine
from kata.grading import run as grading

GOLDEN = ROOT / "tests" / "golden" / "report_03_encode_stub.json"


def normalised(report: grading.Report) -> dict:
    """The report as its file holds it, with the one machine-dependent field (where the model is) fixed."""
    data = json.loads(replace(report, model="<model>").to_json())
    return data


def test_the_report_of_a_graded_run_matches_the_golden_file(tmp_path):
    stub = tmp_path / "logits.py"  # the stub as shipped, whatever the learner has done
    stub.write_bytes(pristine.shipped_content("exercises/03_logits/logits.py"))
    report = graded_in_process("exercises/03_logits", task="encode", impl_file=stub)
    assert report.exit_code == 1 and report.model.startswith("offline stand-in")
    if not GOLDEN.exists():  # first run: write it, and fail so that someone reads it before committing
        GOLDEN.write_text(json.dumps(normalised(report), indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
        pytest.fail(f"wrote {GOLDEN.relative_to(ROOT)}; check it and commit it")
    assert normalised(report) == json.loads(GOLDEN.read_text(encoding="utf-8"))


def test_a_report_reads_back_what_was_written():
    report = grading.Report(solutions=True, model="m", results=[
        grading.TestResult("exercises/03_logits/test_logits.py::test_x", "03_logits", "encode", "passed", "call", ""),
        grading.TestResult("exercises/03_logits/test_logits.py::test_y", "03_logits", None, "failed", "setup", "boom"),
    ])
    again = grading.Report.from_json(report.to_json())
    assert again.results == report.results and again.solutions and again.model == "m"
    assert again.passed == 1 and not again.all_passed
    assert again.results[0].label == "encode: x" and again.results[1].label == "y"


def test_a_report_of_another_version_is_refused_not_misread():
    data = json.loads(grading.Report().to_json())
    data["version"] = grading.REPORT_VERSION + 1
    with pytest.raises(ValueError, match="version"):
        grading.Report.from_json(json.dumps(data))


def test_a_run_that_ended_before_writing_its_report_reads_as_empty(tmp_path):
    report = grading.Report.read(tmp_path / "missing.json")
    assert report.results == [] and not report.all_passed


def test_the_arguments_of_a_graded_run_are_written_in_one_place():
    args = grading.pytest_args("exercises/04_decode", solutions=True, model="tiny", task="greedy_generate")
    assert args[0] == "exercises/04_decode" and "--solutions" in args
    assert args[args.index("--model") + 1] == "tiny" and args[args.index("--task") + 1] == "greedy_generate"
    sources = [p for p in (ROOT / "kata").rglob("*.py") if p.name != "run.py"]
    # test_warm_start.py runs probes, not graded runs: it checks the suite's warm parent against a fresh pytest.
    sources += [p for p in (ROOT / "tests").glob("*.py") if p.name not in ("test_grading.py", "test_warm_start.py")]
    by_hand = [p.name for p in sources if '"-m", "pytest"' in p.read_text(encoding="utf-8")]
    assert not by_hand, f"these write a pytest command by hand instead of using kata.grading.run: {by_hand}"


def test_inherited_selections_never_leak_into_a_run(monkeypatch):
    monkeypatch.setenv("KATA_SOLUTIONS", "1")
    monkeypatch.setenv("KATA_IMPL_FILE", "/somewhere/else.py")
    env = grading.run_environment(impl_file=None, env={"KATA_MODEL": "tiny"})
    assert "KATA_SOLUTIONS" not in env and "KATA_IMPL_FILE" not in env and env["KATA_MODEL"] == "tiny"


def test_an_in_process_run_gets_its_choices_as_an_object_and_leaves_the_environment_alone(monkeypatch):
    monkeypatch.setenv("KATA_SOLUTIONS", "1")  # a terminal's leftovers: the run must not read them
    monkeypatch.setenv("KATA_IMPL_FILE", "/somewhere/else.py")
    monkeypatch.setenv("KATA_LANG", "en")
    before = {k: v for k, v in os.environ.items() if k.startswith("KATA_")}
    events = []
    report = grading.run_in_process(grading.pytest_args("exercises/03_logits", task="encode", style=grading.QUIET_STYLE),
                                    model="tiny", lang="zh", on_event=events.append)
    assert {k: v for k, v in os.environ.items() if k.startswith("KATA_")} == before
    assert report.results and not any(r.passed for r in report.results)  # the stub, not the solutions
    assert all(r.message.startswith("TODO: 03_logits：请实现 encode()") for r in report.results)  # in its own language
    assert i18n.language() == "en"  # and the caller's language is back
    results = [e for e in events if e["event"] == "result"]
    assert [e["done"] for e in results] == list(range(1, len(report.results) + 1))
    assert all(e["total"] == len(report.results) and e["label"]["zh"] and e["label"]["en"] for e in results)


def test_a_fresh_interpreter_run_tells_its_progress_as_typed_events():
    events = []
    report = grading.run_subprocess(grading.pytest_args("exercises/03_logits", solutions=True, task="encode"),
                                    env={"KATA_MODEL": "tiny", "KATA_LANG": "en"}, on_event=events.append)
    assert report.all_passed and report.results
    kinds = [e["event"] for e in events]
    assert "model" in kinds and kinds.count("result") == len(report.results)
    assert any("stand-in" in e["text"] for e in events if e["event"] == "model")
    assert "llm-kata progress" not in report.output  # no printed protocol to parse
