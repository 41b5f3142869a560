"""The one translation path: every text the course shows is English, rendered through ``t()``.

The Chinese of each English template is in kata/locale/zh/*.toml (one file per exercise, one for the
harness, one for the `kata` command), keyed by the English text. The language is chosen once by
``set_language()`` (the ``--lang`` flag, else KATA_LANG, else the locale) and read by ``language()``;
texts kept as en/zh pairs where they are written (the manifest's titles and hints) go through ``pick()``.
"""

from __future__ import annotations

import locale
import os
import sys
from functools import lru_cache
from pathlib import Path

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

LANGUAGES = ("en", "zh")


def detect(explicit: str | None = None) -> str:
    """The language asked for: ``explicit``, else KATA_LANG, else the locale."""
    choice = explicit or os.environ.get("KATA_LANG")
    if not choice:
        for var in ("LC_ALL", "LC_MESSAGES", "LANG"):
            if os.environ.get(var):
                choice = os.environ[var]
                break
        else:
            choice = (locale.getlocale()[0] or "") if hasattr(locale, "getlocale") else ""
    return "zh" if choice.lower().startswith("zh") else "en"


_chosen: str | None = None  # set_language()'s or choose_language()'s choice


def set_language(explicit: str | None = None) -> str:
    """Choose the language once for this process and the graded runs it starts (through KATA_LANG)."""
    lang = detect(explicit)
    os.environ["KATA_LANG"] = lang
    choose_language(lang)
    return lang


def choose_language(lang: str | None) -> str | None:
    """This process speaks ``lang`` (None: as detect() says) until told otherwise; the previous choice."""
    global _chosen
    previous, _chosen = _chosen, lang
    return previous


def language() -> str:
    """The language everything is shown in now."""
    return _chosen or detect()


def pick(en: str, zh: str | None) -> str:
    """A text kept as an en/zh pair where it is written (a manifest title, a hint), in ``language()``."""
    return zh if language() == "zh" and zh else en


# Graded tests write their messages in English, as templates: t("{n} positions came back", n=n).
# The Chinese of each template is in kata/locale/zh/*.toml, one file per exercise (and one for the
# harness), keyed by the English template; a project test checks that every template has one.
LOCALE_DIR = Path(__file__).parents[1] / "locale"


@lru_cache(maxsize=1)
def catalog() -> dict[str, str]:
    """English template -> Chinese template, from every file in kata/locale/zh/."""
    merged: dict[str, str] = {}
    for path in sorted((LOCALE_DIR / "zh").glob("*.toml")):
        merged.update(tomllib.loads(path.read_text(encoding="utf-8")).get("messages", {}))
    return merged


@lru_cache(maxsize=1)
def titles() -> dict[str, str]:
    """Graded test name (test_...) -> its title in Chinese, from the [titles] tables of kata/locale/zh/."""
    merged: dict[str, str] = {}
    for path in sorted((LOCALE_DIR / "zh").glob("*.toml")):
        merged.update(tomllib.loads(path.read_text(encoding="utf-8")).get("titles", {}))
    return merged


def test_title(name: str, lang: str) -> str:
    """A graded test's title for people: its name in words (English), or its Chinese title."""
    if lang == "zh" and name in titles():
        return titles()[name]
    return name.removeprefix("test_").replace("_", " ")


def render(template: str, lang: str, values: dict) -> str:
    """``template`` (the English key) in ``lang``, filled in with ``values``."""
    if lang == "zh":
        template = catalog().get(template, template)
    return template.format(**values) if values else template


# While a graded test runs, every message it renders is recorded as (template, values, language):
# the template names an explanation whatever numbers fill it (kata.grading.run's explanation ids), and
# the record renders the same failure in the other language without running it again.
_recorded: list[tuple[str, dict, str]] | None = None


def start_recording() -> None:
    global _recorded
    _recorded = []


def stop_recording() -> list[tuple[str, dict, str]]:
    global _recorded
    calls, _recorded = _recorded or [], None
    return calls


def recorded() -> list[tuple[str, dict, str]]:
    return list(_recorded or [])


def template_of(text: str) -> str | None:
    """The template of the longest recorded message inside ``text`` (None if none was recorded)."""
    best, best_length = None, 0
    for template, values, lang in recorded():
        shown = render(template, lang, values)
        if len(shown) > best_length and shown in text:
            best, best_length = template, len(shown)
    return best


def translated(text: str, calls: list[tuple[str, dict, str]], lang: str) -> str:
    """``text`` with every recorded message in it rendered in ``lang`` instead (longest first, so a
    message that holds another is translated whole, then the one inside it)."""
    pairs = {}
    for template, values, said_in in calls:
        try:
            pairs[render(template, said_in, values)] = render(template, lang, values)
        except (KeyError, IndexError, ValueError):  # a catalog entry with other placeholders: keep it as said
            continue
    for said in sorted(pairs, key=len, reverse=True):
        if said and said != pairs[said]:
            text = text.replace(said, pairs[said])
    return text


def listed(items) -> str:
    """Items named in a sentence: "a, b, c" in English, "a、b、c" in Chinese."""
    return ("、" if language() == "zh" else ", ").join(str(item) for item in items)


def t(template: str, **values) -> str:
    """``template`` filled in with ``values``, in the learner's language (English where no
    translation exists yet: a message is never lost)."""
    lang = language()
    if _recorded is not None:
        _recorded.append((template, values, lang))
    return render(template, lang, values)
