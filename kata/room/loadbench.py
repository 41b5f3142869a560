"""`kata room bench`: the room's server under a workshop's load, in figures (not a timed test).

The server runs in its own process (as `kata room serve` does) on a fresh SQLite file; N simulated
learners, one thread each, join and post through the same standard-library client a learner's laptop
uses (a new connection per post, as the sender opens). Three phases, each ``seconds`` long: one record
per learner per second (a busy workshop's pace: the latency a learner's sender sees), one record per
post back to back (the most records per second the server holds), then the outbox's batches of 50
back to back (a room coming back after a network cut).
"""

from __future__ import annotations

import random
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path

from kata.room import send
from kata.room.records import MAX_BATCH


def _record(exercise: str, passed: int) -> dict:
    return {"id": uuid.uuid4().hex, "exercise": exercise, "passed": passed, "total": 12,
            "failing": ["encode"] if passed < 12 else [], "explanations": ["todo:encode"] if passed < 12 else [],
            "hints": 1, "source": "check", "at": time.time()}


def _serve(db: str, ready: str) -> None:
    """The child: serve a room over ``db`` with the per-learner limit lifted, write its URL to ``ready``."""
    from kata.room.server import Running
    from kata.room.store import Store

    store = Store(db)
    with Running(store, post_rate=(1e9, 1e9)) as running:
        Path(ready).write_text(f"{running.url} {store.code}", encoding="utf-8")
        while True:
            time.sleep(3600)


def _phase(url: str, tokens: list[str], seconds: float, batch: int, every: float = 0.0) -> tuple[int, list[float], int]:
    """Every learner posts ``batch`` records per post for ``seconds``, a post every ``every`` seconds (0: back to
    back, the first of each learner at a random moment of the first period): records stored, latencies, errors."""
    stored, latencies, errors, lock = [0], [], [0], threading.Lock()
    stop = time.monotonic() + seconds

    def learner(token: str) -> None:
        n = 0
        next_post = time.monotonic() + random.uniform(0, every)
        while time.monotonic() < stop:
            if every:
                time.sleep(max(0.0, next_post - time.monotonic()))
                next_post += every
            body = {"sent_at": time.time(), "records": [_record("03_logits", (n + i) % 13) for i in range(batch)]}
            start = time.perf_counter()
            try:
                answer = send.post(f"{url}/api/records", body, token, timeout=10)
            except send.RoomError:
                with lock:
                    errors[0] += 1
                continue
            took = time.perf_counter() - start
            with lock:
                stored[0] += len(answer["stored"])
                latencies.append(took)
            n += batch

    threads = [threading.Thread(target=learner, args=(token,)) for token in tokens]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return stored[0], latencies, errors[0]


def main(learners: int = 30, seconds: float = 5.0, say=print) -> dict:
    with tempfile.TemporaryDirectory() as folder:
        ready = Path(folder) / "ready"
        child = subprocess.Popen([sys.executable, "-m", "kata.room.loadbench", "--serve", str(Path(folder) / "room.sqlite3"),
                                  str(ready)])
        try:
            while not ready.exists():
                if child.poll() is not None:
                    raise RuntimeError("the room's server did not start")
                time.sleep(0.05)
            url, code = ready.read_text(encoding="utf-8").split()
            tokens = [send.post(f"{url}/api/join", {"code": code, "name": f"learner {i:02d}"})["token"]
                      for i in range(learners)]
            figures = {}
            for name, batch, every in (("one record per learner per second", 1, 1.0),
                                       ("one record per post, back to back", 1, 0.0),
                                       (f"{MAX_BATCH} records per post, back to back", MAX_BATCH, 0.0)):
                stored, latencies, errors = _phase(url, tokens, seconds, batch, every)
                latencies.sort()
                p99 = latencies[min(len(latencies) - 1, int(0.99 * len(latencies)))] if latencies else float("nan")
                figures[name] = {"records_per_s": stored / seconds, "posts": len(latencies), "errors": errors,
                                 "p50_ms": 1000 * statistics.median(latencies) if latencies else float("nan"),
                                 "p99_ms": 1000 * p99}
                f = figures[name]
                say(f"{learners} learners, {name}: {f['records_per_s']:.0f} records/s held, {f['posts']} posts, "
                    f"p50 {f['p50_ms']:.1f} ms, p99 {f['p99_ms']:.1f} ms, {errors} errors")
            return figures
        finally:
            child.terminate()
            child.wait(timeout=10)


if __name__ == "__main__":
    if sys.argv[1:2] == ["--serve"]:
        _serve(sys.argv[2], sys.argv[3])
    else:
        main()
