"""An explanation id (kata.core.report.explanation_id) in words, in the instructor's language.

A record carries ids, never rendered messages; the room's course knows the templates they came from
(the English keys of the catalog), so the page can say what each mistake is, with "…" where the
learner's own values went.
"""

from __future__ import annotations

import hashlib
import re
import string
from functools import lru_cache

from kata.i18n import catalog, render

_BLANK = re.compile(r"\{[^{}]*\}")
# What the kinds of explanation that carry no template say (their Chinese: kata/locale/zh/room.toml).
TODO = "{function}: not written yet (still the TODO stub)"
HANG = "{function}: did not finish within the time limit (a loop that never stops?)"
RAISED = "{error} raised in {file}, line {line}"
SKIPPED = "a graded test was skipped"
UNKNOWN = "an explanation this course does not know ({id})"
TEXTS = (TODO, HANG, RAISED, SKIPPED, UNKNOWN)


@lru_cache(maxsize=1)
def _by_digest() -> dict[str, str]:
    """The digest an explanation id ends with -> the English template it was made from."""
    return {hashlib.sha1(template.encode("utf-8")).hexdigest()[:10]: template for template in catalog()}


def _blanked(template: str, lang: str) -> str:
    """The template in ``lang`` with every blank shown as "…" (the learner's values never travel)."""
    text = render(template, lang, {})
    names = {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}
    return _BLANK.sub("…", text) if names else text


def describe(explanation: str, lang: str) -> str:
    """What the explanation ``explanation`` tells a learner, in ``lang``."""
    kind, _, rest = explanation.partition(":")
    if kind == "todo":
        return render(TODO, lang, {"function": rest})
    if kind == "hang":
        return render(HANG, lang, {"function": rest})
    if kind == "raised":
        error, _, where = rest.partition(":")
        file, _, line = where.rpartition(":")
        return render(RAISED, lang, {"error": error, "file": file, "line": line})
    if kind == "skipped":
        return render(SKIPPED, lang, {})
    digest = explanation.rsplit(":", 1)[-1]
    template = _by_digest().get(digest)
    if template is None:
        return render(UNKNOWN, lang, {"id": explanation})
    return _blanked(template, lang)


def short(text: str, limit: int = 160) -> str:
    """The first line of ``text``, cut at ``limit`` characters (the page shows the rest on demand)."""
    first = text.strip().splitlines()[0] if text.strip() else text
    return first if len(first) <= limit else first[: limit - 1].rstrip() + "…"
