"""`kata room`: a workshop's live view for the instructor, fed by the learners' checks.

    kata room serve [--lan]                  the instructor: open the room (loopback only without --lan)
    kata room link                           the instructor: print the page's private link again
    kata room join ADDRESS CODE --name NAME  a learner: join once; every check then reports to the room
    kata room status                         a learner: which room, and what waits to be delivered
    kata room leave                          a learner: stop reporting
    kata room bench                          the instructor: the server under a room of 30 learners, in figures

The learner's side needs nothing beyond the standard library; serving needs `pip install -e ".[room]"`.
"""

from __future__ import annotations

import signal
import socket
import threading
import webbrowser
from pathlib import Path

from rich.markup import escape

from kata.cli.ui import console
from kata.core.errors import KataError
from kata.course.state import STATE_DIR
from kata.i18n import t
from kata.room import outbox

DEFAULT_PORT = 8765


def room_arguments(room) -> None:
    sub = room.add_subparsers(dest="room_command", required=True)
    s = sub.add_parser("serve", help="open the room for a workshop (instructors)")
    s.add_argument("--lan", action="store_true", help="listen on the local network, not only on this laptop")
    s.add_argument("--port", type=int, default=DEFAULT_PORT, help=f"default {DEFAULT_PORT}")
    s.add_argument("--db", help="the room's SQLite file (default: .kata/room/room.sqlite3)")
    s.add_argument("--no-browser", action="store_true", help="do not open the instructor's page")
    link = sub.add_parser("link", help="print the instructor page's private link")
    link.add_argument("--db")
    j = sub.add_parser("join", help="join a workshop room (learners)")
    j.add_argument("address", help="the address the instructor shows, e.g. 192.168.1.20:8765")
    j.add_argument("code", help="the room code the instructor shows")
    j.add_argument("--name", required=True, help="your name as the instructor will see it")
    sub.add_parser("status", help="the room you joined and what waits to be delivered")
    sub.add_parser("leave", help="stop reporting to the room")
    b = sub.add_parser("bench", help="load figures: records per second and post latency at N learners")
    b.add_argument("--learners", type=int, default=30)
    b.add_argument("--seconds", type=float, default=5.0, help="length of each phase")


def _db(args) -> Path:
    return Path(args.db) if getattr(args, "db", None) else STATE_DIR / "room" / "room.sqlite3"


def _server_side():
    """The room's server modules, or a plain sentence on how to get them."""
    try:
        import uvicorn

        from kata.room import server, store
    except ImportError as error:
        raise KataError(t("serving a room needs the web server packages: pip install -e \".[room]\" ({error})",
                          error=error)) from None
    return uvicorn, server, store


def lan_address() -> str:
    """This laptop's address on the local network (a UDP socket's route, no packet sent)."""
    probe = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    try:
        probe.connect(("10.255.255.255", 1))
        return probe.getsockname()[0]
    except OSError:
        return "127.0.0.1"
    finally:
        probe.close()


def private_link(store, port: int) -> str:
    # The key rides in the fragment (#...), which a browser never sends: no server log can record it.
    return f"http://127.0.0.1:{port}/#key={store.secret}"


def cmd_serve(args) -> int:
    uvicorn, server, store_module = _server_side()
    store = store_module.Store(_db(args))
    host = "0.0.0.0" if args.lan else "127.0.0.1"
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        listener.bind((host, args.port))
    except OSError as error:
        raise KataError(t("cannot listen on port {port} ({error}); choose another with --port", port=args.port,
                          error=error)) from None
    address = f"{lan_address() if args.lan else '127.0.0.1'}:{args.port}"
    store.set_meta("port", str(args.port))  # for `kata room link`
    store.set_meta("address", address)  # for the page's join line
    app = server.create_app(store)
    config = uvicorn.Config(app, access_log=False, log_level="warning", server_header=False)
    web = uvicorn.Server(config)
    console.print(f"[bold]{t('The room is open.')}[/] {t('Learners join with:')}")
    console.print(f"  [bold]kata room join {address} {store.code} --name YOUR_NAME[/]")
    if not args.lan:
        console.print(f"[yellow]{t('Only this laptop can join (loopback). For a workshop: kata room serve --lan')}[/]")
    console.print(t("Records are kept in {db}: stopping and serving again loses nothing.", db=escape(str(_db(args)))))
    console.print(t("The instructor page opens in your browser; `kata room link` prints its private link (keep it to yourself). Ctrl+C closes the room."))
    if not args.no_browser:
        def open_page():
            while not web.started and not web.should_exit:
                threading.Event().wait(0.05)
            if web.started:  # a key good for one login: the browser's command line is visible to other users
                webbrowser.open(f"http://127.0.0.1:{args.port}/#key={server.one_time_key(app)}")
        threading.Thread(target=open_page, daemon=True).start()
    def stop(signum, frame):  # uvicorn hands a SIGTERM back once it has shut down: close as Ctrl+C does
        raise KeyboardInterrupt

    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGTERM, stop)
    try:
        web.run(sockets=[listener])
    except KeyboardInterrupt:
        pass
    finally:
        store.close()
    console.print(t("The room is closed; `kata room serve` opens it again with everything kept."))
    return 0


def cmd_link(args) -> int:
    _, _, store_module = _server_side()
    if not _db(args).exists():
        raise KataError(t("no room here yet: `kata room serve` opens one"))
    store = store_module.Store(_db(args))
    try:
        port = int(store.meta("port"))
    except (TypeError, ValueError):
        port = DEFAULT_PORT
    console.print(private_link(store, port), soft_wrap=True)
    store.close()
    return 0


def cmd_join(args) -> int:
    from kata.room import send  # the network: only here and in the sender

    try:
        answer = send.join(args.address, args.code, args.name)
    except send.RoomError as error:
        reasons = {
            0: t("could not reach a room at {address} ({reason}). Is the address right, and is this laptop on the instructor's network?",
                 address=args.address, reason=error.reason),
            403: t("the room at {address} refused the code {code}: check it on the instructor's screen", address=args.address, code=args.code),
            409: t("the name {name} is taken in this room; choose another with --name", name=args.name),
            429: t("too many wrong codes from this laptop; wait a minute, then try again"),
        }
        raise KataError(reasons.get(error.status, t("the room refused: {reason}", reason=error.reason))) from None
    console.print(f"[green]{t('You joined the room at {address} as {name}.', address=escape(args.address), name=escape(answer['name']))}[/]")
    console.print(t("From now on each `kata check`, `kata watch` result and notebook grading tells the room: the exercise, how many tests pass, the failing functions, which explanations you got and hints used. Never your code or messages. `kata room leave` stops it."))
    return 0


def cmd_status(args) -> int:
    member = outbox.membership()
    if member is None:
        console.print(t("You are not in a workshop room (`kata room join ADDRESS CODE --name NAME`)."))
        return 0
    console.print(t("In the room at {address} as {name}.", address=escape(member["address"]), name=escape(member["name"])))
    waiting, last = len(outbox.waiting()), outbox.last_status()
    console.print(t("{n} records wait to be delivered.", n=waiting))
    if waiting:
        outbox.send_later()  # try again now, in the background
    if last and not last.get("ok", True):
        reason = {0: t("the room could not be reached"),
                  401: t("the room does not know your token (a new room?): `kata room join` again"),
                  429: t("the room asked this laptop to slow down")}.get(last.get("status"), str(last.get("reason")))
        console.print(f"[yellow]{t('The last delivery failed: {reason} (they are sent again after your next check).', reason=escape(reason))}[/]")
    if last.get("rejected"):
        console.print(f"[yellow]{t('The room refused {n} records as malformed (dropped): {reasons}', n=len(last['rejected']), reasons=escape('; '.join(sorted(set(last['rejected'].values())))))}[/]")
    return 0


def cmd_leave(args) -> int:
    if outbox.membership() is None:
        console.print(t("You are not in a workshop room."))
        return 0
    dropped = outbox.forget()
    console.print(t("You left the room; checks no longer report to it ({n} undelivered records dropped).", n=dropped))
    return 0


def cmd_bench(args) -> int:
    _server_side()
    from kata.room import loadbench

    loadbench.main(learners=args.learners, seconds=args.seconds, say=console.print)
    return 0


def cmd_room(args) -> int:
    return {"serve": cmd_serve, "link": cmd_link, "join": cmd_join, "status": cmd_status, "leave": cmd_leave,
            "bench": cmd_bench}[args.room_command](args)
