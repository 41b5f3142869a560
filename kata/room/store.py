"""The room's records in one SQLite file: a restart loses nothing.

Per learner and exercise a ``cells`` row keeps the latest result and since when it has been failing,
updated as each record arrives, so the live page reads a few hundred rows however long the workshop
runs; ``records`` keeps every record for the per-learner history. Learner tokens are stored hashed.
"""

from __future__ import annotations

import hashlib
import json
import os
import secrets
import sqlite3
import threading
import time
from pathlib import Path

CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read off a projector
DONE, FAILING = "done", "failing"
MAX_HISTORY = 2000  # records kept per learner (the oldest go first): a room's file stays small whoever posts

SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS learners (
  id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE COLLATE NOCASE, token_hash TEXT NOT NULL UNIQUE,
  joined REAL NOT NULL, last_seen REAL);
CREATE TABLE IF NOT EXISTS records (
  learner INTEGER NOT NULL REFERENCES learners(id), rid TEXT NOT NULL, exercise TEXT NOT NULL,
  passed INTEGER NOT NULL, total INTEGER NOT NULL, failing TEXT NOT NULL, explanations TEXT NOT NULL,
  hints INTEGER NOT NULL, source TEXT NOT NULL, at REAL NOT NULL, received REAL NOT NULL,
  PRIMARY KEY (learner, rid));
CREATE INDEX IF NOT EXISTS records_by_time ON records (learner, at);
CREATE TABLE IF NOT EXISTS cells (
  learner INTEGER NOT NULL, exercise TEXT NOT NULL, status TEXT NOT NULL, passed INTEGER NOT NULL,
  total INTEGER NOT NULL, failing TEXT NOT NULL, explanations TEXT NOT NULL, hints INTEGER NOT NULL,
  at REAL NOT NULL, stuck_since REAL, PRIMARY KEY (learner, exercise));
"""


class NameTaken(ValueError):
    pass


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


class Store:
    """One room. Thread-safe: one connection behind a lock (each call is short)."""

    def __init__(self, path: Path | str):
        self.path = Path(path)
        self.path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        # It holds the instructor's secret: readable by its owner only, from the moment it exists.
        os.close(os.open(self.path, os.O_CREAT | os.O_RDWR, 0o600))
        if os.name == "posix":
            os.chmod(self.path, 0o600)
        self._db = sqlite3.connect(self.path, check_same_thread=False, isolation_level=None)
        self._lock = threading.Lock()
        with self._lock:
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA synchronous=NORMAL")
            self._db.executescript(SCHEMA)
            self._meta_default("code", lambda: "".join(secrets.choice(CODE_ALPHABET) for _ in range(6)))
            self._meta_default("secret", lambda: secrets.token_urlsafe(24))
            self._meta_default("created", lambda: repr(time.time()))
        self.version = 0  # bumped by every change: the page's poll answers "nothing new" cheaply

    def _meta_default(self, key, make) -> None:
        self._db.execute("INSERT OR IGNORE INTO meta VALUES (?, ?)", (key, make()))

    def meta(self, key: str) -> str | None:
        with self._lock:
            row = self._db.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return row[0] if row else None

    def set_meta(self, key: str, value: str) -> None:
        with self._lock:
            self._db.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)", (key, value))

    @property
    def code(self) -> str:
        return self.meta("code")

    @property
    def secret(self) -> str:
        return self.meta("secret")

    def close(self) -> None:
        with self._lock:
            self._db.close()

    # -- learners ------------------------------------------------------------------------------
    def join(self, name: str) -> tuple[int, str]:
        """A new learner called ``name`` (already checked): its id and its token (shown once)."""
        token = secrets.token_urlsafe(24)
        with self._lock:
            try:
                cur = self._db.execute("INSERT INTO learners (name, token_hash, joined) VALUES (?, ?, ?)",
                                       (name, token_hash(token), time.time()))
            except sqlite3.IntegrityError as error:
                raise NameTaken(name) from error
            self.version += 1
            return cur.lastrowid, token

    def learner_for(self, token: str) -> int | None:
        with self._lock:
            row = self._db.execute("SELECT id FROM learners WHERE token_hash = ?", (token_hash(token),)).fetchone()
        return row[0] if row else None

    # -- records -------------------------------------------------------------------------------
    def add(self, learner: int, records: list[dict], clock_offset: float = 0.0) -> list[str]:
        """Store ``records`` (already checked) of ``learner``; their times moved by ``clock_offset``
        (the server's clock minus the learner's) and never in the future. The ids stored, or already
        stored before (a record sent twice is kept once)."""
        now = time.time()
        with self._lock:
            self._db.execute("BEGIN")
            try:
                for r in records:
                    at = max(0.0, min(r["at"] + clock_offset, now))
                    failing, explanations = json.dumps(r["failing"]), json.dumps(r["explanations"])
                    cur = self._db.execute(
                        "INSERT OR IGNORE INTO records VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                        (learner, r["id"], r["exercise"], r["passed"], r["total"], failing, explanations,
                         r["hints"], r["source"], at, now))
                    if cur.rowcount:
                        self._update_cell(learner, r, at, failing, explanations)
                self._db.execute("UPDATE learners SET last_seen = ? WHERE id = ?", (now, learner))
                if self._count(learner) > MAX_HISTORY * 1.1:  # trimmed now and then, not on every post
                    self._db.execute("DELETE FROM records WHERE learner = ? AND rid NOT IN (SELECT rid FROM records "
                                     "WHERE learner = ? ORDER BY at DESC LIMIT ?)", (learner, learner, MAX_HISTORY))
                self._db.execute("COMMIT")
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
            self.version += 1
        return [r["id"] for r in records]

    def _update_cell(self, learner: int, r: dict, at: float, failing: str, explanations: str) -> None:
        status = DONE if r["total"] and r["passed"] == r["total"] else FAILING
        cell = self._db.execute("SELECT status, at, stuck_since FROM cells WHERE learner = ? AND exercise = ?",
                                (learner, r["exercise"])).fetchone()
        if cell and cell[1] > at:
            return  # an older record delivered late: history only
        stuck_since = None
        if status == FAILING:
            stuck_since = cell[2] if cell and cell[0] == FAILING and cell[2] is not None else at
        self._db.execute("INSERT OR REPLACE INTO cells VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                         (learner, r["exercise"], status, r["passed"], r["total"], failing, explanations,
                          r["hints"], at, stuck_since))

    # -- what the page shows -------------------------------------------------------------------
    def learners(self) -> list[dict]:
        with self._lock:
            rows = self._db.execute("SELECT id, name, joined, last_seen FROM learners ORDER BY name").fetchall()
        return [{"id": i, "name": n, "joined": j, "last_seen": s} for i, n, j, s in rows]

    def cells(self) -> list[dict]:
        with self._lock:
            rows = self._db.execute("SELECT learner, exercise, status, passed, total, failing, explanations, "
                                    "hints, at, stuck_since FROM cells").fetchall()
        keys = ("learner", "exercise", "status", "passed", "total", "failing", "explanations", "hints", "at",
                "stuck_since")
        cells = [dict(zip(keys, row)) for row in rows]
        for cell in cells:
            cell["failing"], cell["explanations"] = json.loads(cell["failing"]), json.loads(cell["explanations"])
        return cells

    def history(self, learner: int, limit: int = 200) -> list[dict]:
        with self._lock:
            rows = self._db.execute(
                "SELECT exercise, passed, total, failing, explanations, hints, source, at FROM records "
                "WHERE learner = ? ORDER BY at DESC LIMIT ?", (learner, limit)).fetchall()
        keys = ("exercise", "passed", "total", "failing", "explanations", "hints", "source", "at")
        out = [dict(zip(keys, row)) for row in rows]
        for r in out:
            r["failing"], r["explanations"] = json.loads(r["failing"]), json.loads(r["explanations"])
        return out

    def _count(self, learner: int) -> int:
        return self._db.execute("SELECT COUNT(*) FROM records WHERE learner = ?", (learner,)).fetchone()[0]

    def count_for(self, learner: int) -> int:
        with self._lock:
            return self._count(learner)

    def record_count(self) -> int:
        with self._lock:
            return self._db.execute("SELECT COUNT(*) FROM records").fetchone()[0]
