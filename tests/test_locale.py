"""A learner who chose Chinese reads Chinese wherever the course speaks: every message template
that graded tests and the harness write with ``t(...)`` has its Chinese, with the same blanks."""

from __future__ import annotations

import pytest

from graded_runs import ROOT, graded
from kata import i18n
from kata.cli import devcheck
from kata.cli.devcheck import templates
from kata.course import pristine

SOURCES = sorted([*(ROOT / "exercises").glob("*/test_*.py"), *(ROOT / "kata").rglob("*.py")])


def test_every_message_template_has_its_chinese_with_the_same_blanks():
    problems = devcheck.catalog_problems(SOURCES)  # a template without Chinese, or Chinese with other blanks
    assert not problems, "\n".join(map(str, problems))


def test_the_graded_tests_speak_through_templates():
    assert sum(len(templates(p)) for p in SOURCES if p.parent.parent.name == "exercises") > 100


def test_t_fills_in_the_template_in_the_chosen_language(monkeypatch):
    monkeypatch.setattr(i18n, "catalog", lambda: {"{n} positions": "{n} 个位置"})
    monkeypatch.setenv("KATA_LANG", "zh")
    assert i18n.t("{n} positions", n=3) == "3 个位置"
    assert i18n.t("not translated yet") == "not translated yet"
    monkeypatch.setenv("KATA_LANG", "en")
    assert i18n.t("{n} positions", n=3) == "3 positions"


@pytest.mark.parametrize("mistake", ["03_logits/last_token_keeps_batch.py", "05_kv_cache/generate_cached_never_stops.py"])
def test_a_failure_reads_in_chinese_when_the_learner_chose_chinese(mistake):
    exercise, name = mistake.split("/")
    task = {"last_token_keeps_batch.py": "last_token_logits", "generate_cached_never_stops.py": "generate_cached"}[name]
    run = graded(f"exercises/{exercise}", "--task", task,
                 env={"KATA_LANG": "zh", "KATA_IMPL_FILE": str(ROOT / "tests" / "mistakes" / mistake)})
    failed = [r.message for r in run.results if not r.passed]
    assert failed, run.output[-2000:]
    text = "\n".join(failed)
    assert "可能的错误" in text and "实际返回" in text, text
    assert "likely mistake" not in text and "returned:" not in text
    assert "个评分测试通过" in run.output  # the summary too


def test_a_stub_says_todo_in_chinese(tmp_path):
    stub = tmp_path / "logits.py"  # the stub as shipped, whatever the learner has done
    stub.write_bytes(pristine.shipped_content("exercises/03_logits/logits.py"))
    run = graded("exercises/03_logits", "--task", "encode", env={"KATA_LANG": "zh", "KATA_IMPL_FILE": str(stub)})
    assert run.results and all(r.message.startswith("TODO: 03_logits：请实现 encode()") for r in run.results)


def test_every_graded_test_has_a_chinese_title():
    problems = devcheck.title_problems(devcheck.all_test_names(), stale=True)  # missing ones, and stale ones
    assert not problems, "\n".join(map(str, problems))
