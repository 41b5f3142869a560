"""The learner's side on the network (standard library only): join a room, deliver the outbox.

``python -m kata.room.send`` delivers what waits; ``kata check`` starts it on its own
(kata.room.outbox.send_later) after the result is shown and saved. Every request has a short timeout;
a record leaves the outbox only when the room has answered that it has it. While the room cannot be
reached (or asks to slow down) the sender tries again, less and less often, for ten minutes, one sender
at a time. Requests go straight to the room: no proxy from the environment (a LAN address behind a
learner's proxy fails), no redirect (it would carry the learner's token to another host).
"""

from __future__ import annotations

import json
import os
import time
import urllib.error
import urllib.request

from kata.room import outbox
from kata.room.records import MAX_BATCH

TIMEOUT = 3.0  # seconds per request: a room on the same LAN answers in milliseconds
PATIENCE = 600.0  # seconds a sender keeps trying while the room is away
FRESH_LOCK = 90.0  # a sender's lock younger than this means it is still at work (it refreshes it between tries)


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None  # the 3xx is answered as an error instead of followed


_OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}), _NoRedirect)


class RoomError(Exception):
    """The room answered no (``status``: its HTTP status, 0 when it could not be reached)."""

    def __init__(self, status: int, reason: str):
        super().__init__(reason)
        self.status, self.reason = status, reason


def base_url(address: str) -> str:
    """``192.168.1.5:8765`` or ``http://192.168.1.5:8765/`` -> ``http://192.168.1.5:8765``."""
    address = address.strip().rstrip("/")
    return address if address.startswith(("http://", "https://")) else f"http://{address}"


def post(url: str, body: dict, token: str | None = None, timeout: float = TIMEOUT) -> dict:
    headers = {"Content-Type": "application/json"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    request = urllib.request.Request(url, data=json.dumps(body).encode("utf-8"), headers=headers, method="POST")
    try:
        with _OPENER.open(request, timeout=timeout) as response:
            return json.loads(response.read() or b"{}")
    except urllib.error.HTTPError as error:
        try:
            reason = json.loads(error.read() or b"{}").get("error", error.reason)
        except ValueError:
            reason = error.reason
        raise RoomError(error.code, str(reason)) from None
    except (urllib.error.URLError, OSError, ValueError) as error:  # refused, unreachable, timed out, not JSON
        raise RoomError(0, str(getattr(error, "reason", error))) from None


def join(address: str, code: str, name: str) -> dict:
    """Join the room at ``address`` with its ``code`` as ``name``; the membership is saved."""
    url = base_url(address)
    answer = post(f"{url}/api/join", {"code": code.strip().upper(), "name": name})
    outbox.remember(url, answer["name"], answer["token"], answer["learner"])
    return answer


def deliver(timeout: float = TIMEOUT) -> int:
    """Send the waiting records, oldest first, in batches; the number the room now has. Stops at the
    first refusal or network error (the rest wait for the next try) and notes why."""
    member = outbox.membership()
    if member is None:
        return 0
    sent, rejected = 0, {}
    while True:
        batch = outbox.read(outbox.waiting()[:MAX_BATCH])
        if not batch:
            break
        body = {"sent_at": time.time(), "records": [record for _, record in batch]}
        try:
            answer = post(f"{member['address']}/api/records", body, member["token"], timeout)
        except RoomError as error:
            outbox.note_status(ok=False, status=error.status, reason=error.reason, delivered=sent, rejected=rejected)
            return sent
        done = set(answer.get("stored", [])) | set(answer.get("rejected", {}))
        outbox.delivered([path for path, record in batch if record.get("id") in done])
        sent += len(answer.get("stored", []))
        rejected.update(answer.get("rejected", {}))
        if not done:
            break  # the room kept none of them: do not loop on the same batch
    outbox.note_status(ok=True, delivered=sent, rejected=rejected)
    return sent


def deliver_patiently(patience: float = PATIENCE, first_wait: float = 2.0) -> None:
    """``deliver`` until nothing waits, the room refuses for good (a token it does not know), or
    ``patience`` runs out; waits double between tries, up to 30 s. One such sender at a time: another
    that finds a fresh lock leaves the work to it (it lists the outbox again on every try)."""
    lock = outbox.sender_lock()
    try:
        if time.time() - lock.stat().st_mtime < FRESH_LOCK:
            return
    except OSError:
        pass
    deadline, wait = time.monotonic() + patience, first_wait
    try:
        while outbox.membership() is not None:  # `kata room leave` meanwhile: stop
            outbox.folder().mkdir(parents=True, exist_ok=True)
            lock.write_text(str(os.getpid()), encoding="utf-8")  # fresh again
            deliver()
            last = outbox.last_status()
            if last.get("ok") or not outbox.waiting() or last.get("status") not in (0, 429):
                return
            if time.monotonic() + wait > deadline:
                return
            time.sleep(wait)
            wait = min(2 * wait, 30.0)
    finally:
        lock.unlink(missing_ok=True)


if __name__ == "__main__":
    deliver_patiently()
