"""The instructor's page in a real headless browser (Debian's Chromium, which .ci/run installs): the grid, the
common explanations, a learner's HTML shown as text, both languages; screenshots kept in build/test-artifacts/."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import time
import uuid
from pathlib import Path

import pytest

from graded_runs import ROOT

pytest.importorskip("starlette", reason="the room's server is an optional extra: pip install -e \".[room]\"")

from kata.room.server import Running  # noqa: E402
from kata.room.store import Store  # noqa: E402

BROWSER = shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")
ARTIFACTS = ROOT / "build" / "test-artifacts"
if BROWSER is None:
    if os.environ.get("KATA_REQUIRE_BROWSER"):  # CI installs it: there its absence is a failure, not a skip
        pytest.fail("KATA_REQUIRE_BROWSER is set but no Chromium was found", pytrace=False)
    pytest.skip("no Chromium here (Debian: apt-get install chromium)", allow_module_level=True)


def record(exercise, passed, total, explanations, at) -> dict:
    return {"id": uuid.uuid4().hex, "exercise": exercise, "passed": passed, "total": total,
            "failing": ["last_token_logits"] if passed < total else [], "explanations": explanations, "hints": 1,
            "source": "check", "at": at}


@pytest.fixture(scope="module")
def room(tmp_path_factory):
    store = Store(tmp_path_factory.mktemp("room") / "room.sqlite3")
    store.set_meta("address", "192.168.1.20:8765")
    now = time.time()
    ann, _ = store.join("<b>Ann</b><img src=x onerror=alert(1)>")
    bo, _ = store.join("Bo")
    cy, _ = store.join("Cy")
    store.join("Dee")  # joined, nothing graded yet
    store.add(ann, [record("01_load", 13, 13, [], now - 900), record("03_logits", 3, 9, ["todo:last_token_logits"], now - 700)])
    store.add(bo, [record("03_logits", 5, 9, ["todo:last_token_logits", "hang:encode"], now - 60)])
    store.add(cy, [record("01_load", 13, 13, [], now - 30)])
    with Running(store) as running:
        running.store = store
        yield running
    store.close()


def browse(room, lang: str, tmp_path: Path, screenshot: Path | None = None, query: str = "") -> str:
    """The page's DOM after its scripts ran (logging in from the link's fragment, then drawing the room)."""
    flags = [BROWSER, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
             "--disable-background-networking", "--disable-component-update", "--disable-sync",
             f"--user-data-dir={tmp_path / ('profile-' + lang + ('-shot' if screenshot else ''))}",
             "--virtual-time-budget=8000", "--window-size=1400,700"]
    flags += [f"--screenshot={screenshot}"] if screenshot else ["--dump-dom"]
    out = subprocess.run([*flags, f"{room.url}/?lang={lang}{query}#key={room.store.secret}"], capture_output=True, text=True,
                         timeout=120, encoding="utf-8")
    assert out.returncode == 0, out.stderr[-2000:]
    return out.stdout


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_page_shows_the_grid_and_the_common_explanations(room, lang, tmp_path):
    dom = browse(room, lang, tmp_path)
    grid = dom.split('<table id="grid">')[1].split("</table>")[0]
    rows = re.findall(r"<tr>(.*?)</tr>", grid.split("<tbody>")[1])
    assert len(rows) == 4, "one row per learner, Dee included"
    assert "<img" not in dom and "&lt;b&gt;Ann&lt;/b&gt;&lt;img src=x onerror=alert(1)&gt;" in dom, "a name is text, never HTML"
    bo = next(r for r in rows if ">Bo<" in r)
    assert re.search(r'class="failing current"[^>]*>5/9<span class="stuck">', bo), "Bo fails 03 now, 5 of 9"
    assert bo.count('class="not-started') == 11
    cy = next(r for r in rows if ">Cy<" in r)
    assert 'class="done current"' in cy
    common = dom.split('<ol id="common">')[1].split("</ol>")[0]
    items = re.findall(r"<li>(.*?)</li>", common)
    assert len(items) == 2 and '<span class="count"' in items[0] and ">2</span>" in items[0], "two learners hit the first"
    assert "last_token_logits" in items[0] and "encode" in items[1]
    words = {"en": ("Workshop room", "not written yet", "192.168.1.20:8765"), "zh": ("工作坊教室", "还没写", "已卡住")}[lang]
    for word in words:
        assert word in dom, f"{word!r} missing from the {lang} page"
    assert 'class="failing long' in dom, "stuck for over ten minutes stands out"


def test_a_learners_history_opens_from_the_page(room, tmp_path):
    bo = next(learner["id"] for learner in room.store.learners() if learner["name"] == "Bo")
    dom = browse(room, "en", tmp_path, query=f"&learner={bo}")
    section = dom.split('<section id="history-section"')[1].split("</section>")[0]
    assert "hidden" not in section.split(">")[0] and "History: Bo" in section
    rows = re.findall(r"<tr>(.*?)</tr>", section)
    assert len(rows) == 2 and "03_logits" in rows[1] and "5/9" in rows[1] and "did not finish" in rows[1]


def test_the_page_without_the_key_asks_for_the_private_link(room, tmp_path):
    out = subprocess.run([BROWSER, "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                          "--no-first-run", f"--user-data-dir={tmp_path / 'p'}", "--virtual-time-budget=5000",
                          "--dump-dom", f"{room.url}/?lang=en"], capture_output=True, text=True, timeout=120)
    assert "kata room link" in out.stdout and "Ann" not in out.stdout


def test_a_screenshot_of_the_page_is_kept(room, tmp_path):
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    for lang in ("en", "zh"):
        shot = ARTIFACTS / f"room-page.{lang}.png"
        shot.unlink(missing_ok=True)
        browse(room, lang, tmp_path, screenshot=shot)
        assert shot.stat().st_size > 10_000, "a blank screenshot"
