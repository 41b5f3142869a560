"""The instructor's demo helpers of the `kata` command: applying a solution (and undoing it), grading
the whole course against the solutions, and progress as JSON."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from graded_runs import kata as run_kata
from graded_runs import shipped_copy
from kata.course import manifest

EXERCISES = manifest.exercises()
WORK = "# my work in progress\n"


@pytest.fixture
def repo(tmp_path) -> Path:
    return shipped_copy(tmp_path / "llm-kata")


def kata(repo: Path, *args: str, env: dict | None = None):
    return run_kata(*args, cwd=repo, env={"KATA_LANG": "en", **(env or {})}, timeout=300, stdin="")


def put_progress(repo: Path, **records: dict) -> None:
    """Progress as `kata check` records it, written directly: these tests are about what the other
    commands do with it, and a graded run per record would only slow them down."""
    state = repo / ".kata" / "state.json"
    state.parent.mkdir(parents=True, exist_ok=True)
    state.write_text(json.dumps({"exercises": records}), encoding="utf-8")


def listed(repo: Path, env: dict | None = None) -> dict:
    result = kata(repo, "list", "--json", env=env)
    assert result.returncode == 0, result.stdout + result.stderr
    return json.loads(result.stdout)


def row(listing: dict, exercise_id: str) -> dict:
    return next(r for r in listing["exercises"] if r["id"] == exercise_id)


# --- kata solution EX --apply ------------------------------------------------------------------------


def test_apply_is_refused_before_the_exercise_passes_and_touches_nothing(repo):
    module = repo / "exercises" / "03_logits" / "logits.py"
    module.write_text(WORK)
    refused = kata(repo, "solution", "3", "--apply")
    assert refused.returncode == 1 and "not done yet" in refused.stdout
    assert module.read_text() == WORK
    assert not (repo / ".kata" / "backups").exists()


def test_apply_copies_the_solution_in_and_restore_brings_back_the_file_and_its_status(repo):
    module = repo / "exercises" / "03_logits" / "logits.py"
    module.write_text(WORK)
    failing = {"status": "failing", "passed": 3, "total": 10, "at": "2025-01-01 12:00:00", "stuck_on": "to_logits"}
    put_progress(repo, **{"03_logits": failing})

    applied = kata(repo, "solution", "3", "--apply", "--force")
    assert applied.returncode == 0, applied.stdout + applied.stderr
    assert module.read_text() == (repo / "solutions" / "03_logits" / "logits.py").read_text()
    backups = list((repo / ".kata" / "backups" / "03_logits").glob("logits-*.py"))
    assert len(backups) == 1 and backups[0].read_text() == WORK  # saved exactly as reset saves it
    said = applied.stdout.replace("\n", "")
    assert "solutions/03_logits/logits.py" in said and str(backups[0].relative_to(repo)) in said
    assert "kata restore 03_logits" in said  # how to undo it
    assert "def encode" not in applied.stdout  # it says what it did; it does not print the solution
    assert row(listed(repo), "03_logits")["status"] == "not started"  # the copied file was never graded

    restored = kata(repo, "restore", "3")
    assert restored.returncode == 0, restored.stdout
    assert module.read_text() == WORK
    back = row(listed(repo), "03_logits")
    assert (back["status"], back["passed"], back["total"]) == ("failing", 3, 10)


def test_apply_says_what_it_did_in_chinese(repo):
    put_progress(repo, **{"03_logits": {"status": "done", "passed": 10, "total": 10, "at": "2025-01-01 12:00:00"}})
    applied = kata(repo, "--lang", "zh", "solution", "3", "--apply")  # done: no --force needed
    assert applied.returncode == 0, applied.stdout
    assert "已用 solutions/03_logits/logits.py 覆盖" in applied.stdout and "kata restore 03_logits" in applied.stdout


# --- kata check --solutions with no exercise -----------------------------------------------------------


def summary_rows(output: str) -> dict[str, tuple[int, int, float]]:
    """exercise -> (passed, total, seconds), read from the summary table at the end."""
    table = output[output.index("The course against the reference solutions"):]
    return {m[1]: (int(m[2]), int(m[3]), float(m[4]))
            for m in re.finditer(r"(\d\d_\w+)\s+\S\s+(\d+)/(\d+)\s+\S\s+(\d+\.\d)", table)}


def test_check_solutions_grades_the_whole_course_in_order_and_sums_it_up(repo):
    result = kata(repo, "check", "--solutions")
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    starts = [result.stdout.index(f"Checking {e.id}") for e in EXERCISES]
    assert starts == sorted(starts)  # one exercise after another, in the course's order
    rows = summary_rows(result.stdout)
    assert list(rows) == [e.id for e in EXERCISES], result.stdout[-2000:]
    for exercise_id, (passed, total, seconds) in rows.items():
        assert passed == total > 0 and seconds > 0, (exercise_id, passed, total, seconds)
    assert f"All {len(EXERCISES)} exercises pass against the reference solutions" in result.stdout
    listing = listed(repo)  # the solutions are not the learner's progress
    assert listing["done"] == 0 and {r["status"] for r in listing["exercises"]} == {"not started"}


def two_exercise_course(repo: Path, keep: tuple[str, ...] = ("02_chat", "03_logits")) -> None:
    """The copy's manifest cut down to ``keep``: a course run in seconds instead of a minute."""
    text = (repo / "kata" / "manifest.toml").read_text(encoding="utf-8")
    head, *blocks = text.split("[[exercise]]")
    kept = [b for b in blocks if any(f'id = "{k}"' in b for k in keep)]
    assert len(kept) == len(keep)
    (repo / "kata" / "manifest.toml").write_text("[[exercise]]".join([head, *kept]), encoding="utf-8")


def test_one_failing_solution_fails_the_course_run_and_is_named(repo):
    two_exercise_course(repo)
    stub = (repo / "exercises" / "03_logits" / "logits.py").read_text()
    (repo / "solutions" / "03_logits" / "logits.py").write_text(stub)  # a "solution" that does nothing
    result = kata(repo, "check", "--solutions")
    assert result.returncode == 1, result.stdout[-3000:]
    rows = summary_rows(result.stdout)
    assert list(rows) == ["02_chat", "03_logits"], result.stdout[-2000:]
    assert rows["02_chat"][0] == rows["02_chat"][1] > 0  # the next exercise is still graded and shown
    assert rows["03_logits"][0] == 0 and rows["03_logits"][1] > 0
    assert "1 of 2 exercises fail against the reference solutions: 03_logits" in result.stdout
    assert not (repo / ".kata" / "state.json").exists()  # nothing recorded, not even the failure


def test_check_solutions_with_an_exercise_or_a_chosen_file_grades_no_course(repo, tmp_path):
    one = kata(repo, "check", "3", "--solutions")
    assert one.returncode == 0 and "Checking 03_logits" in one.stdout
    assert "Checking 01_load" not in one.stdout and "The course against" not in one.stdout
    chosen = kata(repo, "check", "--solutions", env={"KATA_IMPL_FILE": str(tmp_path / "mine.py")})
    assert chosen.returncode == 2 and "KATA_IMPL_FILE" in chosen.stdout and "Checking" not in chosen.stdout


# --- kata list --json ------------------------------------------------------------------------------------


def test_list_json_is_the_progress_for_a_program_without_colour_or_torch(repo):
    done = {"status": "done", "passed": 10, "total": 10, "at": "2025-01-01 12:00:00"}
    failing = {"status": "failing", "passed": 4, "total": 15, "at": "2025-01-01 12:05:00"}
    put_progress(repo, **{"03_logits": done, "04_decode": failing})
    env = {k: v for k, v in os.environ.items() if not k.startswith("KATA_")}
    probe = subprocess.run(
        [sys.executable, "-c", "import sys; from kata.cli.main import main; code = main(['list', '--json']); "
         "print('TORCH' if 'torch' in sys.modules else 'NO TORCH', code, file=sys.stderr)"],
        cwd=repo, capture_output=True, text=True, encoding="utf-8",
        env={**env, "KATA_LANG": "en", "FORCE_COLOR": "1", "TERM": "xterm-256color"},
    )
    assert probe.stderr.strip().endswith("NO TORCH 0"), probe.stderr
    assert "\x1b" not in probe.stdout  # no colour codes, even where colour is forced
    assert "在合适的设备上加载模型" in probe.stdout  # ensure_ascii=False: Chinese as it is written
    listing = json.loads(probe.stdout)
    assert (listing["done"], listing["total"]) == (1, len(EXERCISES))
    assert [r["id"] for r in listing["exercises"]] == [e.id for e in EXERCISES]
    for r, exercise in zip(listing["exercises"], EXERCISES):
        assert set(r) == {"id", "title", "title_zh", "status", "passed", "total", "file", "lesson"}
        assert (r["title"], r["title_zh"]) == (exercise.title, exercise.title_zh)
        assert r["file"] == f"exercises/{exercise.id}/{exercise.module}" and (repo / r["file"]).is_file()
        assert r["lesson"] == f"exercises/{exercise.id}/README.md"
    assert (row(listing, "03_logits")["status"], row(listing, "03_logits")["passed"]) == ("done", 10)
    assert [row(listing, "04_decode")[k] for k in ("status", "passed", "total")] == ["failing", 4, 15]
    assert [row(listing, "01_load")[k] for k in ("status", "passed", "total")] == ["not started", None, None]


def test_list_json_follows_kata_state_and_the_language(repo, tmp_path):
    progress = tmp_path / "elsewhere.json"
    progress.write_text(json.dumps({"exercises": {"01_load": {"status": "done", "passed": 13, "total": 13}}}))
    listing = listed(repo, env={"KATA_STATE": str(progress), "KATA_LANG": "zh"})
    assert listing["done"] == 1 and row(listing, "01_load")["status"] == "done"  # status words stay English
    assert row(listing, "01_load")["lesson"] == "exercises/01_load/README.zh.md"
