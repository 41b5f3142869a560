"""`kata room`: the record a check adds, the SQLite store, the server under real HTTP on 127.0.0.1 (simulated
learners: a burst of 30, malformed and oversized posts, wrong codes and tokens, HTML in names), and the
learner's side with the room away and coming back. The page in a real browser: tests/test_room_page.py."""

from __future__ import annotations

import ast
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request
import uuid
from pathlib import Path

import pytest

from graded_runs import ROOT, kata

pytest.importorskip("starlette", reason="the room's server is an optional extra: pip install -e \".[room]\"")

from kata.core.report import Report  # noqa: E402
from kata.core.report import TestResult as Result  # noqa: E402
from kata.course import manifest  # noqa: E402
from kata.room import explain, outbox, records, send  # noqa: E402
from kata.room.server import Running  # noqa: E402
from kata.room.store import NameTaken, Store  # noqa: E402
from kata.room.view import room_view  # noqa: E402


def a_record(exercise="03_logits", passed=1, total=4, explanations=("todo:encode",), at=None, **extra) -> dict:
    return {"id": uuid.uuid4().hex, "exercise": exercise, "passed": passed, "total": total,
            "failing": ["encode"] if passed < total else [], "explanations": list(explanations) if passed < total else [],
            "hints": 0, "source": "check", "at": time.time() if at is None else at, **extra}


def http(method: str, url: str, body=None, token=None, cookie=None, raw: bytes | None = None, headers=None):
    """(status, headers, JSON or None) of one request, whatever its status."""
    data = raw if raw is not None else (json.dumps(body).encode() if body is not None else None)
    request = urllib.request.Request(url, data=data, method=method, headers={"Content-Type": "application/json",
                                                                            **(headers or {})})
    if token:
        request.add_header("Authorization", f"Bearer {token}")
    if cookie:
        request.add_header("Cookie", cookie)
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            status, head, payload = response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        status, head, payload = error.code, error.headers, error.read()
    try:
        return status, head, json.loads(payload) if payload else None
    except ValueError:
        return status, head, None


@pytest.fixture
def room(tmp_path):
    store = Store(tmp_path / "room.sqlite3")
    with Running(store) as running:
        running.store = store
        yield running
    store.close()


def join(room, name):
    status, _, answer = http("POST", f"{room.url}/api/join", {"code": room.store.code, "name": name})
    assert status == 200, answer
    return answer["token"]


def instructor_cookie(room) -> str:
    status, head, _ = http("POST", f"{room.url}/api/login", {"key": room.store.secret})
    assert status == 200
    cookie = head["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=strict" in cookie.replace("Strict", "strict")
    return cookie.split(";")[0]


# -- the record ---------------------------------------------------------------------------------------
def test_a_record_holds_ids_and_counts_never_a_message():
    results = [
        Result("n::a", "03_logits", "last_token_logits", "failed", "call", "your code said SECRET_TEXT", "mistake:0123456789"),
        Result("n::b", "03_logits", "encode", "failed", "call", "TODO", "todo:encode"),
        Result("n::c", "03_logits", "encode", "failed", "call", "TODO", "todo:encode"),
        Result("n::d", "03_logits", "decode", "failed", "call", "boom",
                   r"raised:TypeError:C:\Users\li\course\exercises\03_logits\logits.py:12"),
        Result("n::e", "03_logits", "decode", "passed", "call", ""),
    ]
    record = records.make("03_logits", results, ("encode", "decode", "last_token_logits"), hints=2)
    assert "SECRET_TEXT" not in json.dumps(record), "a rendered message travelled"
    assert record["failing"] == ["encode", "decode", "last_token_logits"], "failing functions in the exercise's order"
    assert record["explanations"] == ["todo:encode", "raised:TypeError:logits.py:12", "mistake:0123456789"]
    assert (record["passed"], record["total"], record["hints"]) == (1, 5, 2)
    assert records.checked(record, {"03_logits"}) == record


@pytest.mark.parametrize("change, field", [
    ({"exercise": "99_nothing"}, "exercise"), ({"exercise": "<script>"}, "exercise"), ({"passed": 5, "total": 4}, "passed"),
    ({"passed": True}, "passed"), ({"failing": ["a b"]}, "failing"), ({"explanations": ["<b>x</b>"]}, "explanations"),
    ({"explanations": ["x"] * 21}, "explanations"), ({"source": "curl"}, "source"), ({"id": "../../etc"}, "id"),
    ({"at": float("nan")}, "at"), ({"hints": -1}, "hints"),
])
def test_a_record_that_breaks_a_rule_is_refused_naming_it(change, field):
    with pytest.raises(ValueError, match=field):
        records.checked({**a_record(), **change}, {"03_logits"})


def test_names_are_checked_and_collapsed():
    assert records.checked_name("  Li   Lei ") == "Li Lei"
    assert records.checked_name("<b>Ann</b>") == "<b>Ann</b>"  # kept as typed; the page shows it as text
    for bad in ("", " ", "x" * 41, "a\x00b", None, 3):
        with pytest.raises(ValueError):
            records.checked_name(bad)


# -- the store ----------------------------------------------------------------------------------------
def test_the_store_tracks_since_when_a_learner_is_stuck_and_keeps_everything_across_a_restart(tmp_path):
    store = Store(tmp_path / "room.sqlite3")
    ann, _ = store.join("Ann")
    with pytest.raises(NameTaken):
        store.join("ann")  # names are unique whatever their case
    t0 = time.time() - 1000
    first = a_record(at=t0)
    store.add(ann, [first, a_record(at=t0 + 100)])
    store.add(ann, [first])  # sent twice: stored once
    (cell,) = store.cells()
    assert cell["status"] == "failing" and cell["stuck_since"] == pytest.approx(t0, abs=0.01), "stuck since the first failure"
    store.add(ann, [a_record(passed=4, at=t0 + 200)])
    assert store.cells()[0]["status"] == "done" and store.cells()[0]["stuck_since"] is None
    store.add(ann, [a_record(at=t0 + 150)])  # an older record delivered late changes only the history
    assert store.cells()[0]["status"] == "done"
    store.add(ann, [a_record(at=t0 + 300)])
    assert store.cells()[0]["stuck_since"] == pytest.approx(t0 + 300, abs=0.01), "a new failing streak starts its own clock"
    code, secret = store.code, store.secret
    store.close()

    again = Store(tmp_path / "room.sqlite3")
    assert (again.code, again.secret) == (code, secret)
    assert [learner["name"] for learner in again.learners()] == ["Ann"]
    assert again.record_count() == 5 and len(again.history(ann)) == 5
    again.close()


def test_records_from_a_fast_clock_are_never_in_the_future(tmp_path):
    store = Store(tmp_path / "room.sqlite3")
    ann, _ = store.join("Ann")
    store.add(ann, [a_record(at=time.time() + 3600)])
    assert store.cells()[0]["at"] <= time.time()


# -- the server, over real HTTP ------------------------------------------------------------------------
def test_a_burst_from_30_learners_is_all_stored(room):
    tokens = [join(room, f"learner {i}") for i in range(30)]
    statuses, errors = [], []

    def post(token, n):
        try:
            for batch in range(3):
                status, _, answer = http("POST", f"{room.url}/api/records",
                                         {"sent_at": time.time(), "records": [a_record(passed=(n + batch) % 5) for _ in range(5)]},
                                         token=token)
                statuses.append(status)
                assert status == 200 and len(answer["stored"]) == 5, answer
        except AssertionError as error:
            errors.append(error)

    threads = [threading.Thread(target=post, args=(token, n)) for n, token in enumerate(tokens)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors and statuses == [200] * 90
    assert room.store.record_count() == 30 * 15
    view = room_view(room.store, manifest.exercises(), "en")
    assert len(view["learners"]) == 30 and all("03_logits" in learner["cells"] for learner in view["learners"])


def test_wrong_codes_are_refused_then_slowed_down(room):
    for _ in range(10):
        status, _, answer = http("POST", f"{room.url}/api/join", {"code": "WRONG1", "name": "Mallory"})
        assert status == 403, answer
    status, head, _ = http("POST", f"{room.url}/api/join", {"code": room.store.code, "name": "Mallory"})
    assert status == 429 and int(head["Retry-After"]) >= 1, "ten wrong codes: even the right one waits"
    assert room.store.learners() == []


def test_posts_need_the_learners_own_token(room):
    join(room, "Ann")
    body = {"sent_at": time.time(), "records": [a_record()]}
    for token in (None, "not-a-token", ""):
        status, _, _ = http("POST", f"{room.url}/api/records", body, token=token)
        assert status == 401
    assert room.store.record_count() == 0


@pytest.mark.parametrize("raw, status", [
    (b"not json", 400), (b"[1, 2]", 400), (b'{"records": "x"}', 400),
    (json.dumps({"records": [a_record() for _ in range(records.MAX_BATCH + 1)]}).encode(), 400),
])
def test_malformed_posts_are_refused(room, raw, status):
    token = join(room, "Ann")
    got, _, answer = http("POST", f"{room.url}/api/records", token=token, raw=raw)
    assert got == status, answer
    assert room.store.record_count() == 0


def raw_post(url: str, head: str, body: bytes) -> int:
    """The status of a POST written by hand (the server may answer before the body is all sent)."""
    host, port = url.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=10) as s:
        s.sendall(head.encode())
        try:
            s.sendall(body)
        except OSError:
            pass  # refused part way: the answer is already there
        return int(s.recv(200).split()[1])


@pytest.mark.parametrize("declared", [True, False], ids=["content-length", "chunked"])
def test_an_oversized_post_is_refused_without_reading_it_all(room, declared):
    token = join(room, "Ann")
    big = b'{"records": [], "pad": "' + b"x" * (2 * records.MAX_BODY) + b'"}'
    if declared:
        head, body = f"Content-Length: {len(big)}\r\n", big
    else:
        head = "Transfer-Encoding: chunked\r\n"
        body = b"".join(b"%x\r\n%s\r\n" % (len(big[i:i + 65536]), big[i:i + 65536]) for i in range(0, len(big), 65536))
        body += b"0\r\n\r\n"
    request = (f"POST /api/records HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {token}\r\n"
               f"Content-Type: application/json\r\n{head}\r\n")
    assert raw_post(room.url, request, body) == 413
    assert room.store.record_count() == 0


def test_a_bad_record_is_refused_alone_and_named(room):
    token = join(room, "Ann")
    good, bad = a_record(), a_record(exercise="99_nothing")
    status, _, answer = http("POST", f"{room.url}/api/records", {"sent_at": time.time(), "records": [good, bad, "junk"]},
                             token=token)
    assert status == 200 and answer["stored"] == [good["id"]] and "exercise" in answer["rejected"][bad["id"]]


def test_a_learner_reads_nothing_of_anyone_else(room):
    ann, bob = join(room, "Ann"), join(room, "Bob")
    http("POST", f"{room.url}/api/records", {"records": [a_record(), a_record()]}, token=bob)
    for path in ("/api/room", "/api/learners/1", "/api/learners/2"):
        for token in (ann, bob):
            status, _, answer = http("GET", f"{room.url}{path}", token=token)
            assert status == 401 and "records" not in (answer or {}), path
    status, _, answer = http("GET", f"{room.url}/api/me", token=ann)
    assert status == 200 and answer["records"] == 0, "only the learner's own count"


def test_the_page_needs_the_instructors_secret_and_reads_the_room(room):
    token = join(room, "<b>Ann</b>")
    http("POST", f"{room.url}/api/records", {"records": [a_record()]}, token=token)
    assert http("GET", f"{room.url}/api/room")[0] == 401
    assert http("POST", f"{room.url}/api/login", {"key": "guess"})[0] == 403
    cookie = instructor_cookie(room)
    status, head, view = http("GET", f"{room.url}/api/room?lang=zh", cookie=cookie)
    assert status == 200 and view["learners"][0]["name"] == "<b>Ann</b>"
    assert view["common"][0]["id"] == "todo:encode" and "TODO" in view["common"][0]["text"]
    assert view["exercises"][2]["title"] == manifest.find("03").title_zh
    assert http("GET", f"{room.url}/api/room?lang=zh", cookie=cookie, headers={"If-None-Match": head["ETag"]})[0] == 304
    status, _, history = http("GET", f"{room.url}/api/learners/{view['learners'][0]['id']}", cookie=cookie)
    assert status == 200 and history["records"][0]["exercise"] == "03_logits"


def test_the_page_is_served_with_a_strict_content_policy(room):
    with urllib.request.urlopen(f"{room.url}/") as response:
        policy = response.headers["Content-Security-Policy"]
        page = response.read().decode()
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy and "default-src 'none'" in policy
    assert "<script src=\"/room.js\"" in page and "http" not in page.split("<body>")[1], "no external asset"
    script = (ROOT / "kata" / "room" / "page" / "room.js").read_text(encoding="utf-8")
    assert "innerHTML" not in script and "insertAdjacentHTML" not in script, "learners' text goes in as text"


def test_each_learner_is_rate_limited(tmp_path):
    store = Store(tmp_path / "room.sqlite3")
    with Running(store, post_rate=(3, 0.01)) as room:
        room.store = store
        token = join(room, "Ann")
        got = [http("POST", f"{room.url}/api/records", {"records": [a_record()]}, token=token)[0] for _ in range(4)]
        assert got == [200, 200, 200, 429]
        other = join(room, "Bob")
        assert http("POST", f"{room.url}/api/records", {"records": [a_record()]}, token=other)[0] == 200, "per learner"
    store.close()


# -- explanations in words -------------------------------------------------------------------------
def test_every_kind_of_explanation_id_reads_in_both_languages():
    from kata.core.report import explanation_id
    from kata.i18n import catalog

    template = next(k for k in catalog() if "{" in k and len(k) > 40)
    for kind in ("mistake", "test_encode_gives_a_batch_of_one"):
        for lang in ("en", "zh"):
            text = explain.describe(explanation_id(kind, template), lang)
            assert "{" not in text and "…" in text, text
    assert explain.describe("todo:encode", "zh").startswith("encode：")
    assert "logits.py" in explain.describe("raised:TypeError:logits.py:12", "en")
    assert "does not know" in explain.describe("mistake:ffffffffff", "en")


def test_the_pages_words_and_the_explanations_kinds_have_their_chinese():
    from kata.i18n import catalog
    from kata.room.server import PAGE_TEXTS

    missing = [text for text in (*PAGE_TEXTS, *explain.TEXTS) if text not in catalog()]
    assert not missing, f"add them to kata/locale/zh/room.toml: {missing}"
    script = (ROOT / "kata" / "room" / "page" / "room.js").read_text(encoding="utf-8")
    import re

    used = set(re.findall(r'T\("([^"]+)"\)', script))
    assert used <= set(PAGE_TEXTS), f"the page says these without a translation: {sorted(used - set(PAGE_TEXTS))}"


# -- the learner's side -----------------------------------------------------------------------------------
@pytest.fixture
def learner(tmp_path, monkeypatch):
    monkeypatch.setenv("KATA_STATE", str(tmp_path / "laptop" / "state.json"))
    monkeypatch.setenv("KATA_ROOM_SEND", "off")  # the tests deliver by hand, except where they say otherwise
    return tmp_path / "laptop"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def fake_report(passed: bool) -> Report:
    outcome = "passed" if passed else "failed"
    return Report(results=[Result("t::a", "01_load", "pick_device", outcome, "call", "" if passed else "TODO: x",
                                      "" if passed else "todo:pick_device")], exit_code=0 if passed else 1)


def test_nothing_is_lost_while_the_room_is_away_and_everything_arrives_when_it_is_back(learner, tmp_path):
    port = free_port()
    outbox.remember(f"http://127.0.0.1:{port}", "Ann", "token-not-yet-known", 1)
    exercise = manifest.find("01")
    for passed in (False, False, True):
        outbox.after_result(exercise.id, fake_report(passed).results, exercise.functions, "check")
    assert len(outbox.waiting()) == 3
    assert send.deliver(timeout=1) == 0, "nothing listens: nothing delivered"
    assert len(outbox.waiting()) == 3 and outbox.last_status()["ok"] is False
    from kata.cli import room as room_command

    with room_command.console.capture() as said:
        room_command.cmd_status(None)
    assert "3 records wait" in said.get() and "could not be reached" in said.get()

    store = Store(tmp_path / "room.sqlite3")
    learner_id, token = store.join("Ann")
    outbox.remember(f"http://127.0.0.1:{port}", "Ann", token, learner_id)
    with Running(store, port=port):
        assert send.deliver() == 3
        assert outbox.waiting() == [] and store.record_count() == 3
        assert store.cells()[0]["status"] == "done"
    store.close()


def test_damaged_room_files_never_break_a_check_or_the_sender(learner):
    exercise = manifest.find("01")
    outbox.membership_file().parent.mkdir(parents=True, exist_ok=True)
    outbox.membership_file().write_text("{not json", encoding="utf-8")
    outbox.after_result(exercise.id, fake_report(False).results, exercise.functions, "check")
    assert outbox.membership() is None and outbox.waiting() == [], "a damaged membership: not in a room"
    outbox.remember("http://127.0.0.1:9", "Ann", "t", 1)
    outbox.outbox().mkdir(parents=True, exist_ok=True)
    (outbox.outbox() / "00000000000000000000-x.json").write_text("{half", encoding="utf-8")
    assert send.deliver(timeout=0.5) == 0 and outbox.waiting() == [], "a damaged record is dropped, not retried forever"


def test_a_killed_room_keeps_every_record_it_acknowledged(tmp_path):
    port, db = free_port(), tmp_path / "room.sqlite3"
    command = [sys.executable, "-m", "kata", "room", "serve", "--port", str(port), "--db", str(db), "--no-browser"]

    def start():
        server = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        for _ in range(300):
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=1).close()
                return server
            except OSError:
                time.sleep(0.1)
        server.kill()
        raise AssertionError("the room did not start")

    server = start()
    try:
        store = Store(db)
        code = store.code
        store.close()
        status, _, answer = http("POST", f"http://127.0.0.1:{port}/api/join", {"code": code, "name": "Ann"})
        token = answer["token"]
        acknowledged = []
        for _ in range(20):
            status, _, answer = http("POST", f"http://127.0.0.1:{port}/api/records", {"records": [a_record()]}, token=token)
            acknowledged += answer["stored"]
        server.kill()  # no goodbye: SIGKILL on POSIX
        server.wait(timeout=10)
        server = start()
        status, _, answer = http("POST", f"http://127.0.0.1:{port}/api/records", {"records": [a_record()]}, token=token)
        assert status == 200, "the learner's token survives the restart"
    finally:
        server.kill()
        server.wait(timeout=10)
    store = Store(db)
    assert store.record_count() == len(acknowledged) + 1 == 21
    store.close()


def test_a_record_delivered_twice_is_kept_once(learner, room):
    token = join(room, "Ann")
    outbox.remember(room.url, "Ann", token, 1)
    record = a_record()
    outbox.add(record)
    copy = outbox.waiting()[0].read_text(encoding="utf-8")
    assert send.deliver() == 1
    (outbox.outbox() / "00000000000000000001-again.json").write_text(copy, encoding="utf-8")  # a sender died before deleting
    send.deliver()
    assert room.store.record_count() == 1 and outbox.waiting() == []


def test_a_record_the_room_refuses_does_not_block_the_ones_behind_it(learner, room):
    token = join(room, "Ann")
    outbox.remember(room.url, "Ann", token, 1)
    outbox.add(a_record(exercise="99_gone"))
    outbox.add(a_record())
    assert send.deliver() == 1 and outbox.waiting() == []
    assert "exercise" in next(iter(outbox.last_status()["rejected"].values()))


def test_a_check_never_touches_the_network(learner, monkeypatch):
    """By structure: the modules on a check's path import nothing that can open a connection, and with a
    room joined, a check's result is queued on disk and handed to a separate process."""
    network = {"socket", "http", "urllib", "ssl", "asyncio", "kata.room.send"}
    for path in ("kata/room/outbox.py", "kata/room/records.py", "kata/cli/check.py", "kata/course/state.py"):
        tree = ast.parse((ROOT / path).read_text(encoding="utf-8"))
        names = {alias.name for node in ast.walk(tree) if isinstance(node, ast.Import) for alias in node.names}
        names |= {node.module or "" for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)}
        names |= {f"kata.room.{alias.name}" for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)
                  and node.module == "kata.room" for alias in node.names}
        assert not {n for n in names if n.split(".")[0] in network or n in network}, f"{path} imports the network"

    from kata.cli import check

    def no_network(*args, **kwargs):
        raise AssertionError("a check opened a connection")

    started = []
    for name in ("connect", "connect_ex", "sendto"):
        monkeypatch.setattr(socket.socket, name, no_network)
    monkeypatch.setattr(socket, "getaddrinfo", no_network)
    monkeypatch.setattr(socket, "create_connection", no_network)
    monkeypatch.setattr(outbox.subprocess, "Popen", lambda command, **kwargs: started.append(command))
    monkeypatch.setenv("KATA_ROOM_SEND", "on")
    outbox.remember("http://192.0.2.1:9", "Ann", "t", 1)  # an address nobody answers at
    exercise = manifest.find("01")
    assert check.shown(exercise, fake_report(False), [], record=True) is False
    assert len(outbox.waiting()) == 1, "the result waits on disk"
    assert started == [[sys.executable, "-m", "kata.room.send"]], "delivery is a separate process"
    record = json.loads(outbox.waiting()[0].read_text(encoding="utf-8"))
    assert record["exercise"] == "01_load" and record["explanations"] == ["todo:pick_device"]

    check.shown(exercise, fake_report(False), [], record=True, solutions=True)
    assert len(outbox.waiting()) == 1, "grading the solutions is not the learner's progress"
    check.shown(exercise, fake_report(True), ["exercises/01_load/test_load.py"], record=True)
    assert len(outbox.waiting()) == 1, "a pass with edited graded tests proves nothing: the room is not told"


def test_the_sender_process_delivers_on_its_own(learner, room, monkeypatch):
    monkeypatch.setenv("KATA_ROOM_SEND", "on")
    token = join(room, "Ann")
    outbox.remember(room.url, "Ann", token, 1)
    exercise = manifest.find("01")
    outbox.after_result(exercise.id, fake_report(True).results, exercise.functions, "watch")
    deadline = time.monotonic() + 30
    while room.store.record_count() < 1 and time.monotonic() < deadline:
        time.sleep(0.1)
    assert room.store.record_count() == 1 and room.store.history(1)[0]["source"] == "watch"
    while outbox.waiting() and time.monotonic() < deadline:
        time.sleep(0.1)
    assert outbox.waiting() == []


def test_the_token_file_is_the_learners_alone(learner):
    outbox.remember("http://127.0.0.1:1", "Ann", "secret-token", 1)
    if os.name == "posix":
        assert outbox.membership_file().stat().st_mode & 0o077 == 0
    assert outbox.membership()["token"] == "secret-token"


# -- the command ----------------------------------------------------------------------------------------
def test_join_status_and_leave_from_the_command(tmp_path, room):
    env = {"KATA_STATE": str(tmp_path / "laptop" / "state.json"), "KATA_ROOM_SEND": "off"}
    bad = kata("room", "join", room.url.removeprefix("http://"), "WRONG9", "--name", "Ann", env=env)
    assert bad.returncode == 2 and "refused the code WRONG9" in bad.stdout
    down = kata("room", "join", f"127.0.0.1:{free_port()}", room.store.code, "--name", "Ann", env={**env, "KATA_LANG": "zh"})
    assert down.returncode == 2 and "连不上" in down.stdout
    ok = kata("room", "join", room.url.removeprefix("http://"), room.store.code.lower(), "--name", "Ann", env=env)
    assert ok.returncode == 0 and "You joined the room" in ok.stdout and "Never your code" in ok.stdout
    taken = kata("room", "join", room.url, room.store.code, "--name", "ann", env=env)
    assert taken.returncode == 2 and "taken" in taken.stdout
    status = kata("room", "status", env=env)
    assert "as Ann" in status.stdout and "0 records wait" in status.stdout
    left = kata("room", "leave", env=env)
    assert left.returncode == 0 and "You left the room" in left.stdout
    assert "not in a workshop room" in kata("room", "status", env=env).stdout


def test_serve_prints_the_join_line_and_never_the_secret(tmp_path):
    port, db = free_port(), tmp_path / "room.sqlite3"
    server = subprocess.Popen([sys.executable, "-m", "kata", "room", "serve", "--port", str(port), "--db", str(db),
                               "--no-browser"], cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                              env={**os.environ, "KATA_LANG": "en", "COLUMNS": "200"})
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=1):
                    break
            except OSError:
                time.sleep(0.1)
        store = Store(db)
        secret, code = store.secret, store.code
        store.close()
        assert http("POST", f"http://127.0.0.1:{port}/api/login", {"key": secret})[0] == 200
        assert http("GET", f"http://127.0.0.1:{port}/api/room?key={secret}")[0] == 401
        link = kata("room", "link", "--db", str(db))
        assert link.stdout.strip() == f"http://127.0.0.1:{port}/#key={secret}", "the key rides in the fragment"
    finally:
        server.send_signal(signal.SIGINT if os.name == "posix" else signal.SIGTERM)  # Ctrl+C
        out, _ = server.communicate(timeout=20)
    assert f"kata room join 127.0.0.1:{port} {code} --name YOUR_NAME" in out
    assert "The room is closed" in out, "stopped cleanly, saying how to open it again"
    assert secret not in out, "the instructor's secret was printed or logged"
    assert "GET /" not in out and "POST /" not in out, "the access log is off"


def test_serve_says_how_to_install_the_server_when_it_is_missing(tmp_path):
    blocker = tmp_path / "block"
    blocker.mkdir()
    (blocker / "uvicorn.py").write_text("raise ImportError('No module named uvicorn')\n", encoding="utf-8")
    out = kata("room", "serve", "--no-browser", "--db", str(tmp_path / "r.sqlite3"),
               env={"PYTHONPATH": str(blocker), "KATA_LANG": "en"})
    assert out.returncode == 2 and 'pip install -e ".[room]"' in out.stdout


def test_the_load_bench_prints_its_figures():
    out = kata("room", "bench", "--learners", "3", "--seconds", "0.5", timeout=120)
    assert out.returncode == 0, out.stdout + out.stderr
    assert "3 learners, one record per learner per second:" in out.stdout and "p99" in out.stdout and " 0 errors" in out.stdout


def test_a_real_check_queues_its_record_for_the_room(tmp_path):
    """`kata check` on the untouched stub, with a room joined: the record holds what the report said."""
    env = {"KATA_STATE": str(tmp_path / "laptop" / "state.json"), "KATA_ROOM_SEND": "off"}
    (tmp_path / "laptop").mkdir()
    (tmp_path / "laptop" / "room.json").write_text(json.dumps(
        {"address": "http://192.0.2.1:9", "name": "Ann", "token": "t", "learner": 1}), encoding="utf-8")
    out = kata("check", "01", env=env, timeout=300)
    assert out.returncode == 1 and "graded tests pass" in out.stdout, out.stdout[-2000:]
    (queued,) = (tmp_path / "laptop" / "room-outbox").glob("*.json")
    record = json.loads(queued.read_text(encoding="utf-8"))
    exercise = manifest.find("01")
    assert record["exercise"] == "01_load" and record["source"] == "check" and record["passed"] == 0
    assert record["failing"] == list(exercise.functions)
    assert record["explanations"] == [f"todo:{f}" for f in exercise.functions]
    assert records.checked(record, {exercise.id}) == record



# -- faults found in review --------------------------------------------------------------------------
def test_infinite_or_huge_times_never_reach_the_store(room):
    token = join(room, "Ann")
    body = json.dumps({"records": [a_record()]})[:-1] + ', "sent_at": Infinity}'
    status, _, answer = http("POST", f"{room.url}/api/records", token=token, raw=body.encode())
    assert status == 200 and len(answer["stored"]) == 1, "a learner's clock it cannot read is ignored"
    for at in ("Infinity", "NaN", "1e400", "1" + "0" * 400):
        record = json.dumps(a_record())
        raw = record[: record.index('"at":')] + f'"at": {at}' + "}"
        status, _, answer = http("POST", f"{room.url}/api/records", token=token, raw=('{"records": [' + raw + "]}").encode())
        assert status == 200 and answer["stored"] == [] and answer["rejected"], at
    cookie = instructor_cookie(room)
    assert http("GET", f"{room.url}/api/room", cookie=cookie)[0] == 200
    assert http("GET", f"{room.url}/api/learners/1", cookie=cookie)[0] == 200


@pytest.mark.parametrize("raw", [b"[" * 200_000, b'{"code": "' + "é".encode() * 10 + b'"}'])
def test_odd_bodies_on_the_open_door_are_refused_not_crashed(room, raw):
    status, _, _ = http("POST", f"{room.url}/api/join", raw=raw)
    assert status in (400, 403)


def test_odd_cookies_ids_and_line_ends_are_refused_not_crashed(room):
    assert http("GET", f"{room.url}/api/room", cookie="kata_room=\u00e9t\u00e9")[0] == 401
    cookie = instructor_cookie(room)
    assert http("GET", f"{room.url}/api/learners/99999999999999999999999", cookie=cookie)[0] == 404
    with pytest.raises(ValueError):
        records.checked({**a_record(), "id": "a" * 32 + "\n"})
    with pytest.raises(ValueError):
        records.checked({**a_record(), "failing": ["encode\n"]})


def test_the_open_door_takes_a_room_at_once_but_not_hundreds(room):
    statuses = [http("POST", f"{room.url}/api/join", {"code": room.store.code, "name": f"n{i}"})[0] for i in range(61)]
    assert statuses[:60] == [200] * 60 and statuses[60] == 429


def test_a_learner_asking_for_its_count_is_cheap_and_limited(tmp_path):
    store = Store(tmp_path / "room.sqlite3")
    with Running(store, post_rate=(2, 0.01)) as room:
        token = store.join("Ann")[1]
        assert [http("GET", f"{room.url}/api/me", token=token)[0] for _ in range(3)] == [200, 200, 429]
    store.close()


def test_a_learners_history_is_capped_and_the_grid_stays_live(tmp_path, monkeypatch):
    from kata.room import store as store_module

    monkeypatch.setattr(store_module, "MAX_HISTORY", 10)
    store = Store(tmp_path / "room.sqlite3")
    ann, _ = store.join("Ann")
    t0 = time.time() - 100
    store.add(ann, [a_record(at=t0 + i) for i in range(11)])
    assert store.count_for(ann) == 11, "trimmed only past a tenth over the cap"
    store.add(ann, [a_record(passed=4, at=t0 + 50)])
    assert store.count_for(ann) == 10 and store.cells()[0]["status"] == "done"
    assert min(r["at"] for r in store.history(ann)) == pytest.approx(t0 + 2, abs=0.01), "the oldest went first"
    store.close()


@pytest.mark.skipif(os.name != "posix", reason="file modes")
def test_the_rooms_file_is_its_owners_alone_even_if_it_existed(tmp_path):
    db = tmp_path / "room" / "r.sqlite3"
    db.parent.mkdir()
    db.touch(mode=0o644)
    Store(db).close()
    assert db.stat().st_mode & 0o077 == 0


def test_a_one_time_key_opens_the_page_once(tmp_path):
    from kata.room.server import create_app, one_time_key

    store = Store(tmp_path / "room.sqlite3")
    running = Running(store)
    key = one_time_key(running.server.config.app)
    with running as room:
        assert http("POST", f"{room.url}/api/login", {"key": key})[0] == 200
        assert http("POST", f"{room.url}/api/login", {"key": key})[0] == 403, "used once, then nothing"
    assert create_app  # the same app factory `kata room serve` uses
    store.close()


def test_records_the_room_could_never_take_are_dropped_and_the_rest_go(learner, room):
    token = join(room, "Ann")
    outbox.remember(room.url, "Ann", token, 1)
    outbox.outbox().mkdir(parents=True, exist_ok=True)
    for n, text in enumerate(["[]", "null", '"x"', json.dumps({**a_record(), "id": 7})]):
        (outbox.outbox() / f"0000000000000000000{n}-odd.json").write_text(text, encoding="utf-8")
    outbox.add(a_record())
    assert send.deliver() == 1 and outbox.waiting() == []


def test_a_damaged_hint_count_never_breaks_a_check(learner):
    outbox.remember("http://127.0.0.1:9", "Ann", "t", 1)
    exercise = manifest.find("01")
    for hints in ([], {"01_load": {"f": "2", "g": True, "h": 3}}, {"01_load": "x"}, {"01_load": 99_999}):
        Path(os.environ["KATA_STATE"]).write_text(json.dumps({"hints": hints}), encoding="utf-8")
        outbox.after_result(exercise.id, fake_report(False).results, exercise.functions, "check")
    (path_a, first), *_, (path_b, last) = outbox.read(outbox.waiting())
    assert len(outbox.waiting()) == 4 and first["hints"] == 0 and last["hints"] == 10_000


def test_a_notebooks_name_with_spaces_or_chinese_still_reaches_the_room(learner, room):
    token = join(room, "Ann")
    outbox.remember(room.url, "Ann", token, 1)
    results = [Result("n::a", "03_logits", "encode", "failed", "call", "boom",
                      "raised:TypeError:/course/.kata/notebook_impl/03_logits_my 练习.py:7")]
    outbox.add(records.make("03_logits", results, ("encode",), 0))
    assert send.deliver() == 1
    assert room.store.history(1)[0]["explanations"] == ["raised:TypeError:03_logits_my___.py:7"]


def test_the_sender_keeps_trying_while_the_room_is_away_one_sender_at_a_time(learner, tmp_path):
    port = free_port()
    store = Store(tmp_path / "room.sqlite3")
    learner_id, token = store.join("Ann")
    outbox.remember(f"http://127.0.0.1:{port}", "Ann", token, learner_id)
    outbox.add(a_record())
    outbox.sender_lock().write_text("1", encoding="utf-8")
    send.deliver_patiently(patience=1, first_wait=0.1)
    assert len(outbox.waiting()) == 1, "a fresh lock: another sender is at work"
    outbox.sender_lock().unlink()
    trying = threading.Thread(target=send.deliver_patiently, kwargs={"patience": 30, "first_wait": 0.2})
    trying.start()
    time.sleep(1.0)  # the room is away for the first tries
    with Running(store, port=port):
        trying.join(timeout=40)
        assert store.record_count() == 1 and outbox.waiting() == []
    assert not outbox.sender_lock().exists()
    store.close()


def test_no_proxy_and_no_redirect_carries_the_learners_token(learner, room, monkeypatch):
    import http.server

    seen = []

    class Elsewhere(http.server.BaseHTTPRequestHandler):
        def do_POST(self):
            seen.append(self.headers.get("Authorization"))
            self.send_response(302)
            self.send_header("Location", f"http://127.0.0.1:{self.server.server_port}/stolen")
            self.end_headers()

        def log_message(self, *args):
            pass

    trap = http.server.HTTPServer(("127.0.0.1", 0), Elsewhere)
    threading.Thread(target=trap.serve_forever, daemon=True).start()
    monkeypatch.setenv("http_proxy", f"http://127.0.0.1:{trap.server_port}")  # a learner's proxy, down or hostile
    monkeypatch.setenv("HTTP_PROXY", f"http://127.0.0.1:{trap.server_port}")
    token = join(room, "Ann")
    outbox.remember(room.url, "Ann", token, 1)
    outbox.add(a_record())
    assert send.deliver() == 1 and seen == [], "the room was reached directly, not through the proxy"
    monkeypatch.delenv("http_proxy")
    monkeypatch.delenv("HTTP_PROXY")
    outbox.remember(f"http://127.0.0.1:{trap.server_port}", "Ann", "SECRET-TOKEN", 1)
    outbox.add(a_record())
    assert send.deliver() == 0 and outbox.last_status()["status"] == 302
    assert seen == ["Bearer SECRET-TOKEN"], "the redirect was not followed with the token"
    trap.shutdown()
