"""`kata watch`: re-check on every save, move on when an exercise passes (as rustlings watch)."""

from __future__ import annotations

import queue
import sys
import threading
import time
from pathlib import Path

from kata import manifest
from kata.adapters import relative
from kata.cmd_check import check
from kata.cmd_files import show_hint
from kata.errors import KataError
from kata.ui import _, console, find_exercise


def _file_events(folder: Path, events: queue.Queue, poll: bool):
    """Start a watchdog observer on ``folder`` that puts saved paths on ``events``."""
    from watchdog.events import FileSystemEventHandler
    from watchdog.observers import Observer
    from watchdog.observers.polling import PollingObserver

    class Saved(FileSystemEventHandler):
        def on_any_event(self, event):
            if event.event_type in ("modified", "created", "moved") and not event.is_directory:
                events.put(("saved", getattr(event, "dest_path", None) or event.src_path))

    for observer_class in ([] if poll else [Observer]) + [PollingObserver]:
        observer = observer_class(timeout=0.5) if observer_class is PollingObserver else observer_class()
        observer.schedule(Saved(), str(folder), recursive=False)
        try:
            observer.start()
        except OSError:  # e.g. inotify limits reached: fall back to polling
            continue
        if observer_class is PollingObserver and not poll:
            console.print(f"[yellow]{_('watch_polling')}[/]")
        return observer
    raise KataError("could not watch the exercise folder for changes")


def _keyboard(events: queue.Queue) -> None:
    """Enter re-checks, h shows a hint, q quits: the manual way, wherever file events fail."""
    for line in sys.stdin:
        command = line.strip().lower()
        events.put(("quit",) if command in ("q", "quit", "exit") else ("hint",) if command == "h" else ("check",))


def _check_until_interrupted(exercise, args, worker, events: queue.Queue):
    """Grade in a thread; a save of the exercise's file or q cancels it. True/False, or "again"/"quit"."""
    cancel, outcome = threading.Event(), {}
    grading = threading.Thread(target=lambda: outcome.update(passed=check(
        exercise, model=args.model, worker=worker, cancel=cancel)), daemon=True)
    grading.start()
    while grading.is_alive():
        try:
            event = events.get(timeout=0.2)
        except queue.Empty:
            continue
        if event[0] == "hint":
            show_hint(exercise)
        elif event[0] == "quit" or _is_save_of(event, exercise.module_path()):
            cancel.set()
            grading.join()
            if event[0] == "quit":
                return "quit"
            console.print(f"[yellow]{_('watch_cancelled')}[/]")
            _settle(events)
            return "again"
    return outcome.get("passed")


def _is_save_of(event, module: Path) -> bool:
    return event[0] == "saved" and Path(event[1]).resolve() == module.resolve()


def _settle(events: queue.Queue) -> None:
    time.sleep(0.2)  # editors save in several writes: let them finish
    while not events.empty():
        events.get_nowait()


def cmd_watch(args) -> int:
    exercise = find_exercise(args.exercise)
    events: queue.Queue = queue.Queue()
    threading.Thread(target=_keyboard, args=(events,), daemon=True).start()
    observer, watched = None, None
    worker = None
    if not args.no_worker:
        from kata.worker import Worker

        worker = Worker(args.model, _.lang)  # keeps torch and the model loaded between checks
    try:
        while True:
            module = exercise.module_path()
            if watched != exercise.folder():  # watched while it is graded: a save cancels a long check
                if observer:
                    observer.stop()
                watched = exercise.folder()
                observer = _file_events(watched, events, args.poll)
            console.rule(exercise.id)
            passed = _check_until_interrupted(exercise, args, worker, events)
            if passed == "quit":
                console.print(_("bye"))
                return 0
            if passed == "again":
                continue
            if passed:
                following = [e for e in manifest.exercises() if e.number > exercise.number]
                if not following:
                    console.print(f"[green bold]{_('all_done')}[/]")
                    return 0
                console.print(f"[green]{_('watch_next', id=exercise.id, next=following[0].id)}[/]")
                exercise = following[0]
                continue
            console.print(f"[cyan]{_('watch_start', file=relative(module))}[/]")
            while True:
                event = events.get()
                if event[0] == "quit":
                    console.print(_("bye"))
                    return 0
                if event[0] == "hint":
                    show_hint(exercise)
                    continue
                if event[0] == "saved" and not _is_save_of(event, module):
                    continue
                _settle(events)
                break
    except KeyboardInterrupt:
        console.print(f"\n{_('bye')}")
        return 0
    finally:
        if observer:
            observer.stop()
        if worker:
            worker.stop()
