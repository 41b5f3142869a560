"""The typed report of a graded run: each test's outcome, the function it checks, its failure
message in both languages and the id of the explanation it gives.

Its shape is a contract, pinned by a golden file in ``tests/``: bump ``REPORT_VERSION`` when it
changes. The pytest plugin writes it (``KATA_REPORT=path``) and everything that grades reads it back
(kata.grading.run); it sits at the bottom so both can import it.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass, field
from pathlib import Path

REPORT_VERSION = 2  # 2: each failure's explanation id and its message in both languages


@dataclass(frozen=True)
class TestResult:
    nodeid: str  # exercises/03_logits/test_logits.py::test_encode_...[english]
    exercise: str  # 03_logits
    task: str | None  # the exercise function the test checks
    outcome: str  # passed | failed
    when: str  # call, or setup when a fixture failed
    message: str  # what the learner is shown on a failure ("" when passed)
    # Which explanation the failure gives, whatever values fill it in: two failures with the same
    # id are one mistake, explained once ("" when passed). See ``explanation_id``.
    explanation: str = ""
    messages: dict[str, str] = field(default_factory=dict)  # the message in each language ({} when passed)

    @property
    def passed(self) -> bool:
        return self.outcome == "passed"

    def message_in(self, lang: str) -> str:
        return self.messages.get(lang) or self.message

    @property
    def label(self) -> str:
        """'encode: gives a batch of one ...[english]' for people."""
        return self.label_in("en")

    def label_in(self, lang: str) -> str:
        from kata.i18n import test_title

        name, _, params = self.nodeid.split("::", 1)[-1].partition("[")
        test = test_title(name, lang) + (f"[{params}" if params else "")
        return f"{self.task}{'：' if lang == 'zh' else ': '}{test}" if self.task else test


@dataclass
class Report:
    solutions: bool = False
    model: str | None = None  # where the model came from, in words
    results: list[TestResult] = field(default_factory=list)
    version: int = REPORT_VERSION
    exit_code: int | None = None  # pytest's, filled in by the runner (not part of the file)
    output: str = ""  # what pytest printed, where the runner captured it (not part of the file)

    @property
    def passed(self) -> int:
        return sum(r.passed for r in self.results)

    @property
    def all_passed(self) -> bool:
        return bool(self.results) and self.passed == len(self.results) and self.exit_code in (0, None)

    def outcomes(self) -> dict[str, str]:
        return {r.nodeid: r.outcome for r in self.results}

    def to_json(self) -> str:
        data = {"version": self.version, "solutions": self.solutions, "model": self.model,
                "results": [asdict(r) for r in self.results]}
        return json.dumps(data, indent=1, ensure_ascii=False)

    @classmethod
    def from_json(cls, text: str) -> Report:
        data = json.loads(text)
        if data.get("version") != REPORT_VERSION:
            raise ValueError(f"a grading report of version {data.get('version')}, expected {REPORT_VERSION}")
        return cls(solutions=data["solutions"], model=data["model"],
                   results=[TestResult(**r) for r in data["results"]])

    @classmethod
    def read(cls, path: Path) -> Report:
        """The report a run left at ``path``; an empty one if the run ended before writing it."""
        return cls.from_json(path.read_text(encoding="utf-8")) if path.exists() else cls()


def explanation_id(kind: str, template: str | None = None) -> str:
    """``kind`` (todo, hang, mistake, raised, or a test's name) and a short digest of the message
    template: stable across runs and languages, the same for every value that fills it in."""
    if not template:
        return kind
    return f"{kind}:{hashlib.sha1(template.encode('utf-8')).hexdigest()[:10]}"


def in_function_order(results, functions) -> list[TestResult]:
    """``results`` in the order of the exercise's functions, then in the order the tests ran."""
    order = {name: i for i, name in enumerate(functions)}
    return sorted(results, key=lambda r: order.get(r.task, len(order)))


def grouped(results: list[TestResult], functions) -> list[list[TestResult]]:
    """Failures grouped by explanation, in the order of the exercise's functions (then the tests'
    order): each group is one distinct mistake, its first result the one to explain in full."""
    groups: dict[str, list[TestResult]] = {}
    for r in in_function_order((r for r in results if not r.passed), functions):
        groups.setdefault(r.explanation or r.nodeid, []).append(r)
    return list(groups.values())
