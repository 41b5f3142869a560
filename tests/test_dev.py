"""`kata dev`, driven as an instructor drives it, in a copy of the course: `new` writes an exercise that
`check` accepts and whose stub fails; filled in, `verify` proves it; `check` names a seeded problem."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import pytest

from english import english_sentences
from graded_runs import kata, shipped_copy
from kata.cli import devcheck
from kata.plugin import output as pytest_report

NEW = "13_example"
MISTAKE_TEXT = "FILL IN: the likely mistake in double(), and where to look."


@pytest.fixture(scope="module")
def course(tmp_path_factory) -> Path:
    return shipped_copy(tmp_path_factory.mktemp("dev") / "course")


@pytest.fixture(scope="module")
def skeleton(tmp_path_factory) -> Path:
    """A copy of the course with 13_example just written by `kata dev new`, nothing filled in."""
    course = shipped_copy(tmp_path_factory.mktemp("skeleton") / "course")
    assert dev(course, "new", NEW, "--functions", "double").returncode == 0
    return course


def dev(course: Path, *args: str) -> subprocess.CompletedProcess:
    return kata("dev", *args, cwd=course, env={"KATA_LANG": "en"})


def edit(path: Path, *pairs: tuple[str, str]) -> None:
    text = path.read_text(encoding="utf-8")
    for old, new in pairs:
        assert old in text, f"{old!r} not in {path.name}"
        text = text.replace(old, new)
    path.write_text(text, encoding="utf-8")


def fill_in(course: Path) -> None:
    """What the instructor writes: double(x) is x * 2, a test that checks it, a wrong version, another way."""
    signature = ("double(model, tokenizer)", "double(x)")
    text = ("FILL IN", "Written")  # the prose: a lesson, hints, titles (here any text will do)
    edit(course / "solutions" / NEW / "example.py", signature,
         ('raise NotImplementedError("FILL IN: the reference solution of double()")', "return x * 2"), text)
    edit(course / "exercises" / NEW / "test_example.py", signature, ("impl.double(x)", "impl.double(3)"),
         ("expected = ...  # FILL IN: the right answer, computed live from the model or the library", "expected = 6"),
         (MISTAKE_TEXT, "double() returns twice its argument."), text)
    edit(course / "kata" / "locale" / "zh" / f"{NEW}.toml",
         (MISTAKE_TEXT, "double() returns twice its argument."), ("待填写（FILL IN）：double() 可能的错误，以及该去哪里看。", "double() 返回参数的两倍。"))
    edit(course / "tests" / "mistakes" / NEW / "double_mistake.py", signature,
         ("return None  # FILL IN: the wrong line", "return x + 2"), ('CAUGHT_BY = "FILL IN"', 'CAUGHT_BY = "twice"'), text)
    edit(course / "tests" / "alternatives" / NEW / "another_way.py", signature,
         ('raise NotImplementedError("FILL IN: another correct way to write double()")', "return x + x"), text)
    for rel in ("exercises/13_example/example.py", "exercises/13_example/README.md", "exercises/13_example/README.zh.md",
                "kata/manifest.toml", "README.md", "README.zh.md"):
        edit(course / rel, *([signature] if rel.endswith(".py") else []), text)
    subprocess.run([sys.executable, "-m", "kata.course.pristine"], cwd=course, check=True, capture_output=True)


def test_a_new_stub_says_todo_as_the_report_does():
    assert devcheck.todo_message("13_example", "double", 3) == (
        "13_example: implement double() — see exercises/13_example/README.md, step 3")
    assert pytest_report.TODO.format(exercise="13_example", function="double", folder="exercises/13_example/",
                                     step=3) == devcheck.todo_message("13_example", "double", 3)


def test_new_then_check_then_verify_is_the_instructors_path(course, capsys):
    start = time.perf_counter()
    new = dev(course, "new", NEW, "--functions", "double")
    assert new.returncode == 0, new.stdout + new.stderr
    for said in ("Fill in, file by file", "solutions/13_example/example.py", "kata/locale/zh/titles.toml"):
        assert said in new.stdout
    ruff = subprocess.run([sys.executable, "-m", "ruff", "check", "exercises/13_example", "solutions/13_example",
                           "tests/mistakes/13_example", "tests/alternatives/13_example"], cwd=course,
                          capture_output=True, text=True)
    assert ruff.returncode == 0, ruff.stdout

    check = dev(course, "check", NEW)
    assert check.returncode == 0, check.stdout + check.stderr
    assert "still says FILL IN" in check.stdout  # a note, not a problem

    fresh = dev(course, "verify", NEW)  # the skeleton: its stub fails, nothing else holds yet
    assert fresh.returncode == 1, fresh.stdout + fresh.stderr
    assert "ok    the shipped stub fails every graded test  1/1 fail with its TODO" in fresh.stdout, fresh.stdout
    assert "FAIL  the solution passes" in fresh.stdout

    fill_in(course)
    filled = time.perf_counter()
    check = dev(course, "check")  # the whole course, the new exercise included
    assert check.returncode == 0, check.stdout + check.stderr
    checked = time.perf_counter()
    verified = dev(course, "verify", NEW)
    assert verified.returncode == 0, verified.stdout + verified.stderr
    for row in ("the solution passes", "wrong version double_mistake.py", "alternative another_way.py",
                "nothing left to fill in"):
        assert f"ok    {row}" in verified.stdout, verified.stdout
    with capsys.disabled():
        print(f"\n[kata dev] new + check + verify(skeleton): {filled - start:.1f} s; check (whole course): "
              f"{checked - filled:.1f} s; verify (filled): {time.perf_counter() - checked:.1f} s")


@pytest.mark.parametrize("seed", ["title", "step", "caught_by", "catalog", "hints"])
def test_check_names_a_seeded_problem_and_its_fix(skeleton, seed):
    course = skeleton
    path, old, new, said = {
        "title": ("kata/locale/zh/titles.toml", "test_double_gives_the_right_answer = ", "test_other = ",
                  "no Chinese title for test_double_gives_the_right_answer"),
        "step": ("exercises/13_example/example.py", "README.md, step 1", "README.md, step 2", "its TODO says"),
        "caught_by": ("tests/mistakes/13_example/double_mistake.py", "CAUGHT_BY =", "CAUGHT = ", "no CAUGHT_BY"),
        "catalog": ("kata/locale/zh/13_example.toml", "[messages]\n", "[messages]\n#", "no Chinese for"),
        "hints": ("kata/manifest.toml", '  { en = "FILL IN: the API or the shapes double() needs."', "#", "1 rung(s) of hints"),
    }[seed]
    saved = (course / path).read_text(encoding="utf-8")
    try:
        edit(course / path, (old, new))
        run = dev(course, "check", NEW)
        assert run.returncode == 1 and said in run.stdout and "fix:" in run.stdout, run.stdout + run.stderr
    finally:
        (course / path).write_text(saved, encoding="utf-8")
    assert dev(course, "check", NEW).returncode == 0


def test_check_speaks_chinese_when_asked(skeleton):
    path = skeleton / "tests" / "mistakes" / NEW / "double_mistake.py"
    saved = path.read_text(encoding="utf-8")
    try:
        edit(path, ("CAUGHT_BY =", "CAUGHT = "))
        run = kata("--lang", "zh", "dev", "check", NEW, cwd=skeleton, env={"KATA_LANG": "en"})  # --lang wins
    finally:
        path.write_text(saved, encoding="utf-8")
    assert run.returncode == 1, run.stdout + run.stderr
    for said in ("没有 CAUGHT_BY = '...' 字符串", "修正：写明失败消息中必须出现的文字", "中仍有 FILL IN 待填写", "个问题"):
        assert said in run.stdout, run.stdout
    assert "no CAUGHT_BY" not in run.stdout and "fix:" not in run.stdout
    assert not english_sentences(run.stdout), f"English in `kata --lang zh dev check`: {english_sentences(run.stdout)}"


def test_new_refuses_a_taken_or_malformed_id_and_writes_nothing(course):
    for bad in ("03_again", "3_short", "10-dash", "11_Upper"):
        run = dev(course, "new", bad)
        assert run.returncode == 2 and "nothing was written" in run.stdout, run.stdout + run.stderr
        assert not (course / "exercises" / bad).exists()
    assert dev(course, "new", "12_bad", "--functions", "ok,class").returncode == 2


def test_check_reads_files_only_and_never_imports_torch(course):
    probe = subprocess.run([sys.executable, "-c", "import sys; from kata.cli.main import main; code = main(['dev', 'check']); "
                            "print('TORCH' if 'torch' in sys.modules else 'NO TORCH', code)"],
                           cwd=course, capture_output=True, text=True)
    assert probe.stdout.strip().endswith("NO TORCH 0"), probe.stdout + probe.stderr
