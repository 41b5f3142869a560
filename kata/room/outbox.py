"""The learner's side on disk: which room this copy of the course joined, and the records waiting to go.

This is all a check touches: it writes one small file and starts the sender as a separate process,
then returns. Nothing here opens a connection (a project test holds this module and the check's path
to that), so an unreachable room can never slow down or change a check.

- ``.kata/room.json``: the room's address, the learner's name and token (the token is the learner's
  proof of identity: the file is readable by its owner only);
- ``.kata/room-outbox/<time>-<id>.json``: one file per record, written whole then renamed, deleted
  once the room has it. A record sent twice is stored once (its id), so two senders at once are harmless.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

from kata.course import state

MAX_WAITING = 1000  # records kept for a room that stays away; the oldest go first


def folder() -> Path:
    return state.state_file().parent


def membership_file() -> Path:
    return folder() / "room.json"


def outbox() -> Path:
    return folder() / "room-outbox"


def status_file() -> Path:
    return folder() / "room-status.json"


def membership() -> dict | None:
    """The room this course joined ({address, name, token, learner}), or None."""
    try:
        data = json.loads(membership_file().read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) and data.get("address") and data.get("token") else None


def _write_private(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        f.write(text)
    os.replace(tmp, path)  # never a half-written file


def remember(address: str, name: str, token: str, learner: int) -> None:
    _write_private(membership_file(), json.dumps(
        {"address": address, "name": name, "token": token, "learner": learner}, ensure_ascii=False))


def forget() -> int:
    """Leave the room: the membership, the waiting records and the last delivery's status go; how
    many records were still waiting."""
    dropped = len(waiting())
    for path in [membership_file(), status_file(), *waiting()]:
        path.unlink(missing_ok=True)
    return dropped


def add(record: dict) -> Path:
    """Keep ``record`` until the room has it."""
    path = outbox() / f"{time.time_ns():020d}-{record['id']}.json"
    _write_private(path, json.dumps(record, ensure_ascii=False))
    for old in waiting()[:-MAX_WAITING]:
        old.unlink(missing_ok=True)
    return path


def waiting() -> list[Path]:
    """The records not delivered yet, oldest first."""
    try:
        return sorted(p for p in outbox().iterdir() if p.suffix == ".json" and not p.name.startswith("."))
    except OSError:
        return []


def read(paths: list[Path]) -> list[tuple[Path, dict]]:
    """The records at ``paths`` that can be sent. One that is damaged, or that breaks the record rules, is
    deleted (no room would take it, and it must not hold up the ones behind it); one that cannot be read
    just now (a busy file on Windows) stays for the next try."""
    from kata.room.records import checked

    out = []
    for path in paths:
        try:
            out.append((path, checked(json.loads(path.read_text(encoding="utf-8")))))
        except OSError:
            continue
        except (ValueError, RecursionError):
            path.unlink(missing_ok=True)
    return out


def delivered(paths: list[Path]) -> None:
    for path in paths:
        path.unlink(missing_ok=True)


def note_status(**fields) -> None:
    _write_private(status_file(), json.dumps({**fields, "at": time.time()}, ensure_ascii=False))


def last_status() -> dict:
    try:
        return json.loads(status_file().read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def sender_lock() -> Path:
    return folder() / "room-sender.lock"


def send_later() -> None:
    """Start the sender (``python -m kata.room.send``) on its own and return at once: it outlives this
    command if it must, and nothing it meets (a room away, a slow network) reaches the learner's check."""
    if os.environ.get("KATA_ROOM_SEND") == "off":  # the project's tests deliver by hand
        return
    detached = {"start_new_session": True} if os.name == "posix" else {
        "creationflags": getattr(subprocess, "DETACHED_PROCESS", 0) | getattr(subprocess, "CREATE_NEW_PROCESS_GROUP", 0)}
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(Path(__file__).parents[2]),
                                                                      os.environ.get("PYTHONPATH")]))}
    try:
        subprocess.Popen([sys.executable, "-m", "kata.room.send"], stdin=subprocess.DEVNULL,
                         stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, close_fds=True, env=env, **detached)
    except OSError:
        pass  # the records wait; the next check starts the sender again


def after_result(exercise: str, results, functions, source: str) -> None:
    """A graded result was shown and saved: if this course joined a room, queue its record and start
    the sender. Ids and counts only (kata.room.records)."""
    try:
        if membership() is None:
            return
        from kata.room import records

        add(records.make(exercise, results, functions, _hints_used(exercise), source))
    except Exception:  # a full disk, a damaged state file...: the room misses one record, the check is unchanged
        return
    send_later()


def _hints_used(exercise: str) -> int:
    """Hints shown for ``exercise``, from a state file that may be old (one count per exercise) or damaged."""
    def count(value) -> int:
        return value if isinstance(value, int) and not isinstance(value, bool) and value >= 0 else 0

    hints = state.load().get("hints")
    shown = hints.get(exercise) if isinstance(hints, dict) else None
    return sum(map(count, shown.values())) if isinstance(shown, dict) else count(shown)
