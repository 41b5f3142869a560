"""The `kata` command, driven as a learner drives it: a subprocess in a copy of the repository."""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from graded_runs import ROOT, graded, shipped_copy
from graded_runs import kata as run_kata
from kata.course import manifest

EXERCISES = manifest.exercises()


@pytest.fixture
def repo(tmp_path) -> Path:
    """A private copy of the course as shipped, without git history (as GitHub's "Download ZIP")."""
    return shipped_copy(tmp_path / "llm-kata")


def kata(repo: Path, *args: str, stdin: str | None = None, timeout: float = 300, env: dict | None = None):
    return run_kata(*args, cwd=repo, env=env, timeout=timeout, stdin=stdin if stdin is not None else "")


def learner_env(**extra: str) -> dict:
    """The environment of a learner's terminal: none of the developer's kata settings, English messages."""
    env = {k: v for k, v in os.environ.items()
           if k not in ("KATA_STATE", "KATA_SOLUTIONS", "KATA_IMPL_FILE", "KATA_REPORT")}
    return {**env, "KATA_MODEL": "tiny", "KATA_LANG": "en", "COLUMNS": "200", **extra}


def done_line(done: int) -> str:
    return f"{done}/{len(EXERCISES)} exercises done"


def solve(repo: Path, exercise: str, module: str) -> None:
    shutil.copy(repo / "solutions" / exercise / module, repo / "exercises" / exercise / module)


def test_list_shows_every_exercise_and_progress_without_importing_torch(repo):
    probe = subprocess.run(
        [sys.executable, "-c", "import sys; from kata.cli.main import main; main(['list']); "
         "print('TORCH' if 'torch' in sys.modules else 'NO TORCH')"],
        cwd=repo, capture_output=True, text=True, env=learner_env(),
    )
    assert probe.stdout.strip().endswith("NO TORCH"), probe.stdout + probe.stderr
    for exercise in EXERCISES:
        assert exercise.id in probe.stdout
    assert done_line(0) in probe.stdout


def test_check_fails_on_the_stub_then_passes_and_records_progress(repo):
    first = kata(repo, "check", "3")
    assert first.returncode == 1
    assert "TODO: 03_logits: implement encode()" in first.stdout
    assert "0/10 graded tests pass" in first.stdout
    assert "kata hint 03_logits" in first.stdout
    assert "Traceback" not in first.stdout + first.stderr
    assert "failing (0/10)" in kata(repo, "list").stdout

    solve(repo, "03_logits", "logits.py")
    second = kata(repo, "check", "logits")
    assert second.returncode == 0, second.stdout
    assert "all 10 graded tests pass" in second.stdout
    listing = kata(repo).stdout
    assert "done" in listing and done_line(1) in listing


def test_check_without_an_exercise_takes_the_first_one_not_done(repo):
    result = kata(repo, "check")
    assert "Checking 01_load" in result.stdout


def test_check_solutions_grades_the_reference_and_does_not_count_as_progress(repo):
    result = kata(repo, "check", "03", "--solutions")
    assert result.returncode == 0 and "against the reference solutions" in result.stdout
    assert done_line(0) in kata(repo, "list").stdout


def test_hints_climb_one_rung_at_a_time_for_the_first_function(repo):
    rungs = manifest.find("03_logits").hints_for("encode")
    outputs = [kata(repo, "hint", "03_logits").stdout for _ in range(len(rungs) + 1)]
    for n, (output, rung) in enumerate(zip(outputs, rungs), 1):
        assert f"Hint {n}/{len(rungs)} for encode() in 03_logits" in output, output
        assert rung.en[:40] in output
    assert "last hint for encode()" in outputs[-1]


def test_hints_follow_the_function_the_learner_is_stuck_on(repo):
    solve(repo, "03_logits", "logits.py")
    stub = repo / "exercises" / "03_logits" / "logits.py"
    text = stub.read_text(encoding="utf-8")
    # A learner who has written encode and hidden_states, and is stuck on to_logits.
    start = text.index("def to_logits")
    stub.write_text(text[:start] + text[start:].replace("return ", "raise NotImplementedError  # ", 1), encoding="utf-8")
    assert kata(repo, "check", "03").returncode == 1
    assert "for to_logits() in 03_logits" in kata(repo, "hint", "03").stdout
    assert "for encode() in 03_logits" in kata(repo, "hint", "03", "--function", "encode").stdout
    assert "has no function nope" in kata(repo, "hint", "03", "--function", "nope").stdout


def test_the_solution_opens_only_once_the_exercise_passes(repo):
    locked = kata(repo, "solution", "3")
    assert locked.returncode == 1 and "not done yet" in locked.stdout
    assert "def encode" not in locked.stdout
    assert "def encode" in kata(repo, "solution", "3", "--force").stdout
    solve(repo, "03_logits", "logits.py")
    assert kata(repo, "check", "3").returncode == 0
    assert "def encode" in kata(repo, "solution", "3").stdout


def test_reset_backs_up_the_learners_file_and_restores_the_stub(repo):
    module = repo / "exercises" / "03_logits" / "logits.py"
    stub = module.read_text()
    module.write_text("# my work in progress\n")
    refused = kata(repo, "reset", "3")  # no terminal to confirm on
    assert refused.returncode == 2 and "--yes" in refused.stdout
    assert module.read_text() == "# my work in progress\n"

    result = kata(repo, "reset", "3", "--yes")
    assert result.returncode == 0, result.stdout
    assert module.read_text() == stub
    backups = list((repo / ".kata" / "backups" / "03_logits").glob("logits-*.py"))
    assert len(backups) == 1 and backups[0].read_text() == "# my work in progress\n"
    assert str(backups[0].relative_to(repo)) in result.stdout.replace("\n", "")


def test_an_edited_graded_test_is_reported_and_can_be_restored(repo):
    test_file = repo / "exercises" / "03_logits" / "test_logits.py"
    shipped = test_file.read_text()
    test_file.write_text(shipped.replace("def test_", "def _disabled_test_"))
    solve(repo, "03_logits", "logits.py")
    result = kata(repo, "check", "3")
    assert "differ from the shipped ones" in result.stdout
    assert result.returncode != 0
    kata(repo, "reset", "3", "--tests", "--yes")
    assert test_file.read_text() == shipped


def test_unknown_exercise_lists_the_valid_ones_in_one_sentence(repo):
    result = kata(repo, "hint", "99")
    assert result.returncode == 2
    assert ", ".join(e.id for e in EXERCISES) in result.stdout
    assert "Traceback" not in result.stdout + result.stderr


def test_download_without_network_says_so_within_5_s(repo, tmp_path):
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(4)
    try:
        start = time.monotonic()
        result = kata(repo, "download", env={"HF_HOME": str(tmp_path / "hf"),
                                             "HF_ENDPOINT": f"http://127.0.0.1:{server.getsockname()[1]}"})
        elapsed = time.monotonic() - start
    finally:
        server.close()
    assert result.returncode == 1
    assert "cannot be reached" in result.stdout
    assert elapsed < 5, f"kata download took {elapsed:.1f} s to give up"


def test_doctor_reports_versions_devices_caches_and_network(repo, tmp_path):
    result = kata(repo, "doctor", env={"HF_HOME": str(tmp_path / "hf"), "HF_HUB_OFFLINE": "1"})
    assert result.returncode == 0, result.stdout + result.stderr
    for field in ("torch", "transformers", "devices", "HF cache", "not cached", "stand-in", "hub"):
        assert field in result.stdout, field


def test_chinese_messages(repo):
    assert f"已完成 0/{len(EXERCISES)} 个练习" in kata(repo, "--lang", "zh").stdout
    assert "已完成" in kata(repo, env={"LANG": "zh_CN.UTF-8"}).stdout


class Watch:
    """`kata watch` running in the background, read line by line as a learner would see it."""

    def __init__(self, repo: Path, *args: str, env: dict | None = None):
        self.proc = subprocess.Popen([sys.executable, "-m", "kata", "watch", *args], cwd=repo,
                                     env=learner_env(**(env or {})),
                                     stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        self.seen: list[str] = []

    def wait_for(self, text: str, timeout: float = 120) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            line = self.proc.stdout.readline()
            if not line:
                break
            self.seen.append(line)
            if text in line:
                return
        raise AssertionError(f"never saw {text!r}:\n{''.join(self.seen)}")

    def quit(self) -> int:
        self.proc.stdin.write("q\n")
        self.proc.stdin.flush()
        return self.proc.wait(timeout=30)


@pytest.mark.parametrize("options", [[], ["--poll"], ["--no-worker"]], ids=["file-events", "polling", "no-worker"])
def test_watch_rechecks_on_save_and_moves_on_when_it_passes(repo, options):
    (repo / ".kata").mkdir(exist_ok=True)  # in a workshop room: each result is queued for it, source "watch"
    (repo / ".kata" / "room.json").write_text(json.dumps({"address": "http://192.0.2.1:9", "name": "Ann",
                                                          "token": "t", "learner": 1}), encoding="utf-8")
    watch = Watch(repo, "3", *options, env={"KATA_ROOM_SEND": "off"})
    try:
        watch.wait_for("Watching exercises/03_logits/logits.py")
        assert "(press Enter after the key)" in watch.seen[-1]  # stdin is a pipe: keys come as lines
        solve(repo, "03_logits", "logits.py")  # the learner saves a working file
        watch.wait_for("03_logits passes! Moving on to 01_load")  # the first one not done
        watch.wait_for("Watching exercises/01_load/load.py")
        assert watch.quit() == 0
    finally:
        watch.proc.kill()
    assert "done" in kata(repo, "list").stdout
    queued = [json.loads(p.read_text(encoding="utf-8")) for p in sorted((repo / ".kata" / "room-outbox").glob("*.json"))]
    seen = [(r["exercise"], r["source"], r["passed"] == r["total"]) for r in queued]
    assert ("03_logits", "watch", True) in seen and ("01_load", "watch", False) in seen, seen
    if not options:  # graded in the warm worker, whose pytest output goes to its log
        assert "03_logits: 10/10 graded tests pass" in (repo / ".kata" / "worker.log").read_text()


def test_watch_survives_learner_code_that_kills_the_process(repo):
    module = repo / "exercises" / "03_logits" / "logits.py"
    watch = Watch(repo, "3")
    try:
        watch.wait_for("Watching exercises/03_logits/logits.py")
        module.write_text(module.read_text().replace(
            '    raise NotImplementedError("03_logits: implement encode()', '    import os; os._exit(3)\n    raise NotImplementedError("'))
        watch.wait_for("The tests did not run")  # the worker died, and so did the fresh process it fell back to
        watch.wait_for("Watching exercises/03_logits/logits.py")
        solve(repo, "03_logits", "logits.py")
        watch.wait_for("03_logits passes! Moving on to 01_load")
        assert watch.quit() == 0
    finally:
        watch.proc.kill()


def test_watch_goes_back_to_an_exercise_not_done_and_congratulates_only_when_all_are(repo, tmp_path):
    """Started at 03 with 01 still to do: after 03 it is 01's turn, and only then "well done"."""
    progress = tmp_path / "state.json"
    progress.write_text(json.dumps({"exercises": {
        e.id: {"status": "done", "passed": 1, "total": 1} for e in EXERCISES if e.id not in ("01_load", "03_logits")}}))
    solve(repo, "01_load", "load.py")
    solve(repo, "03_logits", "logits.py")
    watch = Watch(repo, "3", "--no-worker", env={"KATA_STATE": str(progress)})
    try:
        output, _ = watch.proc.communicate(timeout=300)  # it ends by itself once every exercise is done
    finally:
        watch.proc.kill()
    assert watch.proc.returncode == 0, output
    moved = output.index("03_logits passes! Moving on to 01_load")
    assert output.index("All exercises pass") > output.index("01_load: all", moved), output
    assert output.count("All exercises pass") == 1
    assert done_line(len(EXERCISES)) in kata(repo, "list", env={"KATA_STATE": str(progress)}).stdout


def test_reset_marks_the_exercise_undone_and_restore_brings_the_work_back(repo):
    solve(repo, "03_logits", "logits.py")
    assert kata(repo, "check", "3").returncode == 0
    assert done_line(1) in kata(repo, "list").stdout
    module = repo / "exercises" / "03_logits" / "logits.py"
    solved = module.read_text()
    assert kata(repo, "reset", "3", "--yes").returncode == 0
    assert done_line(0) in kata(repo, "list").stdout  # the stub is back: not done any more
    assert "not done yet" in kata(repo, "solution", "3").stdout

    restored = kata(repo, "restore", "3")
    assert restored.returncode == 0, restored.stdout
    assert module.read_text() == solved
    kept = list((repo / ".kata" / "backups" / "03_logits").glob("*.py"))
    assert len(kept) == 1 and "NotImplementedError" in kept[0].read_text()  # the stub it replaced is kept
    assert done_line(1) in kata(repo, "list").stdout  # with the status it had: done, without a new check
    assert "def encode" in kata(repo, "solution", "3").stdout

    assert kata(repo, "restore", "3").returncode == 0  # back to the stub, which was never graded
    assert "NotImplementedError" in module.read_text()
    assert "not started" in kata(repo, "list").stdout and done_line(0) in kata(repo, "list").stdout
    assert kata(repo, "restore", "3").returncode == 0
    assert module.read_text() == solved and done_line(1) in kata(repo, "list").stdout


def test_kata_acts_on_the_copy_of_the_course_it_is_run_in(repo, tmp_path):
    """Installed from one clone, run inside another: the second one's files are the ones touched."""
    other = shipped_copy(tmp_path / "second-copy")
    mine = other / "exercises" / "03_logits" / "logits.py"
    mine.write_text("# work in the second copy\n")
    installed_from_repo = (f"import sys; sys.path.insert(0, {str(repo)!r}); from kata.cli.main import main; "
                           "sys.exit(main(['reset', '3', '--yes']))")
    result = subprocess.run([sys.executable, "-c", installed_from_repo], cwd=other / "exercises", capture_output=True,
                            text=True, timeout=120, env={**os.environ, "COLUMNS": "200"})
    assert result.returncode == 0, result.stdout + result.stderr
    assert "NotImplementedError" in mine.read_text()  # the second copy's file was reset ...
    backups = list((other / ".kata" / "backups" / "03_logits").glob("logits-*.py"))
    assert [b.read_text() for b in backups] == ["# work in the second copy\n"]  # ... and backed up there
    assert not (repo / ".kata" / "backups").exists()  # the first copy was not touched


def test_check_shows_one_explanation_per_distinct_mistake_and_says_what_it_hid(repo):
    result = kata(repo, "check", "3")
    assert result.stdout.count("TODO: 03_logits: implement encode()") == 1
    assert "the same mistake, explained above, also fails: encode: " in result.stdout


def test_hint_and_solution_without_an_exercise_take_the_current_one(repo):
    assert "Hint 1/" in kata(repo, "hint").stdout and "01_load" in kata(repo, "hint").stdout
    assert "not done yet" in kata(repo, "solution").stdout


def test_lang_is_accepted_after_the_command(repo):
    assert "提示" in kata(repo, "hint", "3", "--lang", "zh").stdout


@pytest.mark.parametrize("options", [[], ["--no-worker"]], ids=["warm-worker", "fresh-process"])
def test_saving_a_fix_while_a_check_hangs_cancels_it_and_grades_the_fix(repo, options):
    module = repo / "exercises" / "03_logits" / "logits.py"
    module.write_text((ROOT / "tests" / "broken" / "hangs.py").read_text())
    watch = Watch(repo, "3", *options, env={"KATA_TIMEOUT": "300"})  # the hang would cost 5 minutes a test
    try:
        watch.wait_for("Checking 03_logits")
        time.sleep(4)  # the check is under way, stuck in encode()
        start = time.monotonic()
        solve(repo, "03_logits", "logits.py")
        watch.wait_for("Saved while grading")
        watch.wait_for("03_logits passes! Moving on to 01_load", timeout=120)
        assert time.monotonic() - start < 120
        assert watch.quit() == 0
    finally:
        watch.proc.kill()


def test_the_projects_tests_pass_in_a_clone_where_the_learner_has_finished_every_exercise(repo):
    """The README's test command must not assume the exercises are still stubs."""
    for exercise in EXERCISES:
        solve(repo, exercise.id, exercise.module)
    run = graded("-q", "tests/test_cli.py", "tests/test_grading.py", "tests/test_notebooks.py", "-k",
                 "stub_then_passes or reset_backs_up or golden or generated_notebook_is_valid", cwd=repo)
    assert run.exit_code == 0, run.output[-3000:]
    assert f"{3 + len(EXERCISES)} passed" in run.output
