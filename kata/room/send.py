"""The learner's side on the network (standard library only): join a room, deliver the outbox.

``python -m kata.room.send`` delivers what waits and exits; ``kata check`` starts it on its own
(kata.room.outbox.send_later) after the result is shown and saved. Every call has a short timeout;
a record leaves the outbox only when the room has answered that it has it.
"""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.request

from kata.room import outbox
from kata.room.records import MAX_BATCH

TIMEOUT = 3.0  # seconds per request: a room on the same LAN answers in milliseconds


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
        with urllib.request.urlopen(request, timeout=timeout) as response:
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


if __name__ == "__main__":
    deliver()
