"""The room's web server (Starlette, run by uvicorn): learners post records, the instructor reads the page.

Who may do what:
- ``POST /api/join`` with the room code: a new learner and its token (failures rate-limited per address);
- ``POST /api/records`` with a learner's token (``Authorization: Bearer``): that learner's records,
  checked one by one (kata.room.records), rate-limited per learner; ``GET /api/me``: that learner's own
  count, nothing about anyone else;
- ``POST /api/login`` with the instructor's secret (sent from the page's URL fragment, which no
  server log ever sees) sets a cookie; ``GET /api/room`` and ``/api/learners/{id}`` need it.
The page itself is three static files with a strict content security policy; it puts every learner's
text into the document as text, never as HTML.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import time
from importlib import resources

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from kata.course import manifest
from kata.i18n import LANGUAGES, render
from kata.room import explain, records
from kata.room.limits import Buckets
from kata.room.store import NameTaken, Store
from kata.room.view import room_view

COOKIE = "kata_room"
MAX_LEARNERS = 500
HEADERS = {
    "Content-Security-Policy": "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "
                               "connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store",
}
# What the page says, in English; its Chinese is in kata/locale/zh/room.toml like every other text.
PAGE_TEXTS = (
    "Workshop room", "Join with", "learners", "records", "Learner", "not started", "done", "failing",
    "stuck for", "hints", "Most common explanations right now", "learners hit this", "Nobody is failing right now.",
    "Nobody has joined yet.", "History", "Close", "The room cannot be reached; retrying…",
    "This page needs the instructor's private link (`kata room link` prints it).",
    "exercise", "passed", "when", "from", "explanations", "Show all", "{n} s", "{n} min", "{n} h",
)


def _json(data, status: int = 200, **headers) -> JSONResponse:
    return JSONResponse(data, status_code=status, headers={**HEADERS, **headers})


def _error(status: int, reason: str, **headers) -> JSONResponse:
    return _json({"error": reason}, status, **headers)


def _too_many(reason: str, wait: float) -> JSONResponse:
    return _error(429, reason, **{"Retry-After": str(max(1, round(wait)))})


class TooLarge(Exception):
    pass


async def _body(request: Request) -> dict | None:
    """The request's JSON object, or None when it is not JSON or not an object; TooLarge past MAX_BODY
    (said by its Content-Length, or found while reading a body sent without one)."""
    declared = request.headers.get("content-length")
    if declared is not None and (not declared.isdigit() or int(declared) > records.MAX_BODY):
        raise TooLarge
    data = bytearray()
    async for chunk in request.stream():
        data += chunk
        if len(data) > records.MAX_BODY:
            raise TooLarge
    try:
        value = json.loads(data)
    except (ValueError, RecursionError):  # not JSON, or nested deeper than the parser goes
        return None
    return value if isinstance(value, dict) else None


def create_app(store: Store, post_rate: tuple[float, float] = (30, 2.0)) -> Starlette:
    """The room's app over ``store``. ``post_rate``: each learner's posts, (burst, per second)."""
    exercises = manifest.exercises()
    known = {e.id for e in exercises}
    session = hmac.new(store.secret.encode(), b"instructor", hashlib.sha256).hexdigest()
    # Wrong codes or keys: 10 per address, then one per 10 s. Joins with the right code: a whole room behind one
    # NAT address may join at once, but not hundreds (each learner has a bucket of posts of its own).
    posts, failures, joins = Buckets(*post_rate), Buckets(10, 0.1), Buckets(60, 0.1)
    one_time: set[str] = set()  # keys good for one login: the link `kata room serve` hands the browser
    page = resources.files("kata.room") / "page"
    started = f"{time.time():.0f}"

    def client(request: Request) -> str:
        return request.client.host if request.client else "?"

    def instructor(request: Request) -> bool:
        return hmac.compare_digest(request.cookies.get(COOKIE, "").encode(), session.encode())

    def learner(request: Request) -> int | None:
        scheme, _, token = request.headers.get("authorization", "").partition(" ")
        return store.learner_for(token) if scheme.lower() == "bearer" and token else None

    def admitted(request: Request, unknown: str, busy: str) -> tuple[int | None, Response | None]:
        """The learner whose token the request carries, within its rate; else the refusal to answer with."""
        who = learner(request)
        if who is None:
            return None, _error(401, unknown)
        wait = posts.take(who)
        return (None, _too_many(busy, wait)) if wait else (who, None)

    def lang_of(request: Request) -> str:
        lang = request.query_params.get("lang", "en")
        return lang if lang in LANGUAGES else "en"

    def static(name: str, media: str):
        async def serve(request: Request) -> Response:
            return Response((page / name).read_bytes(), media_type=media, headers=HEADERS)
        return serve

    async def join(request: Request) -> Response:
        body = await _body(request)
        if body is None:
            return _error(400, "a JSON object")
        key = ("join", client(request))
        wait = failures.wait(key)
        if wait:
            return _too_many("too many wrong codes; wait", wait)
        if not hmac.compare_digest(str(body.get("code", "")).strip().upper().encode(), store.code.encode()):
            failures.take(key)
            return _error(403, "wrong room code")
        try:
            name = records.checked_name(body.get("name"))
        except ValueError as error:
            return _error(400, str(error))
        wait = joins.take(client(request))
        if wait:
            return _too_many("too many joins from this address; wait", wait)
        if len(store.learners()) >= MAX_LEARNERS:
            return _error(403, "the room is full")
        try:
            learner_id, token = store.join(name)
        except NameTaken:
            return _error(409, "that name is taken in this room; choose another")
        return _json({"learner": learner_id, "name": name, "token": token})

    async def post_records(request: Request) -> Response:
        who, refusal = admitted(request, "unknown learner token; join the room again",
                                "too many posts; the records wait on the laptop")
        if refusal:
            return refusal
        body = await _body(request)
        if body is None:
            return _error(400, "a JSON object")
        batch = body.get("records")
        if not isinstance(batch, list) or len(batch) > records.MAX_BATCH:
            return _error(400, f"records: a list of at most {records.MAX_BATCH}")
        good, rejected = [], {}
        for record in batch:
            try:
                good.append(records.checked(record, known))
            except ValueError as error:
                rid = record.get("id") if isinstance(record, dict) else None
                if isinstance(rid, str) and len(rid) <= 64:
                    rejected[rid] = str(error)
        sent_at = records.seconds(body.get("sent_at"))  # the learner's clock: records' times are moved by its error
        offset = max(-86400.0, min(86400.0, time.time() - sent_at)) if sent_at is not None else 0.0
        stored = store.add(who, good, offset) if good else []
        return _json({"stored": stored, "rejected": rejected})

    async def me(request: Request) -> Response:
        who, refusal = admitted(request, "unknown learner token", "too many requests; wait")
        if refusal:
            return refusal
        return _json({"learner": who, "records": store.count_for(who)})

    async def login(request: Request) -> Response:
        body = await _body(request)
        key = ("login", client(request))
        if failures.wait(key):
            return _error(429, "too many wrong keys; wait")
        given = str(body.get("key", "")).encode() if body is not None else b""
        once = next((k for k in list(one_time) if hmac.compare_digest(given, k.encode())), None)
        if once is not None:
            one_time.discard(once)  # used: a copy of it (say, in the process list) opens nothing
        elif not hmac.compare_digest(given, store.secret.encode()):
            failures.take(key)
            return _error(403, "wrong key")
        response = _json({"ok": True})
        response.set_cookie(COOKIE, session, max_age=24 * 3600, httponly=True, samesite="strict", path="/")
        return response

    async def room(request: Request) -> Response:
        if not instructor(request):
            return _error(401, "the instructor's page only")
        etag = f'"{started}-{store.version}-{int(time.time()) // 5}"'  # durations move on every 5 s
        if request.headers.get("if-none-match") == etag:
            return Response(status_code=304, headers={**HEADERS, "ETag": etag})
        return _json(room_view(store, exercises, lang_of(request)), ETag=etag)

    async def history(request: Request) -> Response:
        if not instructor(request):
            return _error(401, "the instructor's page only")
        try:
            who = int(request.path_params["learner"])
        except ValueError:
            return _error(404, "no such learner")
        if not 0 < who < 2**62:  # SQLite's integers
            return _error(404, "no such learner")
        lang = lang_of(request)
        rows = store.history(who)
        for row in rows:
            row["explanations"] = [explain.short(explain.describe(e, lang)) for e in row["explanations"]]
        return _json({"learner": who, "records": rows})

    async def texts(request: Request) -> Response:
        lang = lang_of(request)
        return _json({text: render(text, lang, {}) for text in PAGE_TEXTS})

    async def too_large(request: Request, exc: TooLarge) -> Response:
        return _error(413, f"at most {records.MAX_BODY} bytes")

    app = Starlette(exception_handlers={TooLarge: too_large}, routes=[
        Route("/", static("room.html", "text/html; charset=utf-8")),
        Route("/room.js", static("room.js", "text/javascript; charset=utf-8")),
        Route("/room.css", static("room.css", "text/css; charset=utf-8")),
        Route("/api/texts", texts),
        Route("/api/join", join, methods=["POST"]),
        Route("/api/records", post_records, methods=["POST"]),
        Route("/api/me", me),
        Route("/api/login", login, methods=["POST"]),
        Route("/api/room", room),
        Route("/api/learners/{learner}", history),
    ])
    app.state.one_time = one_time
    return app


def one_time_key(app) -> str:
    """A key that logs the instructor in once (for the link handed to a browser on the command line)."""
    import secrets

    key = secrets.token_urlsafe(24)
    app.state.one_time.add(key)
    return key


class Running:
    """The app served by uvicorn on 127.0.0.1 in a thread, for as long as the ``with`` lasts (tests, the
    load bench). ``url``: where it answers."""

    def __init__(self, store: Store, port: int = 0, **app_options):
        import socket

        import uvicorn

        self.listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.listener.bind(("127.0.0.1", port))
        self.url = f"http://127.0.0.1:{self.listener.getsockname()[1]}"
        config = uvicorn.Config(create_app(store, **app_options), access_log=False, log_level="warning")
        self.server = uvicorn.Server(config)

    def __enter__(self) -> Running:
        import threading

        self.thread = threading.Thread(target=self.server.run, kwargs={"sockets": [self.listener]}, daemon=True)
        self.thread.start()
        while not self.server.started:
            if not self.thread.is_alive():
                raise RuntimeError("the room's server did not start")
            time.sleep(0.01)
        return self

    def __exit__(self, *exc) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)
        self.listener.close()
