"""`kata watch`: re-check on every save, move on when an exercise passes (as rustlings watch)."""

from __future__ import annotations

import os
import queue
import re
import sys
import threading
import time
from pathlib import Path

from kata.cli.check import check
from kata.cli.files import show_hint
from kata.cli.ui import console, find_exercise
from kata.core.errors import KataError
from kata.course import manifest, state
from kata.course.manifest import Exercise
from kata.i18n import language, t
from kata.plugin.adapters import relative


def next_exercise(data: dict | None = None) -> Exercise | None:
    """Where watch goes after a pass: the first exercise not done, earlier ones included (a learner
    may have started further on); None once every exercise is done."""
    data = state.load() if data is None else data
    return next((e for e in manifest.exercises() if state.status(e.id, data) != state.DONE), None)


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
            console.print(f"[yellow]{t('File events are not available here; checking for changes every second instead.')}[/]")
        return observer
    raise KataError(t("could not watch the exercise folder for changes"))


CHECK, HINT, QUIT = ("check",), ("hint",), ("quit",)
KEYS = {"\r": CHECK, "\n": CHECK, "h": HINT, "H": HINT, "q": QUIT, "Q": QUIT}
# What a terminal sends for arrows, Home, F-keys, Alt+key: ESC and a few more characters.
ESCAPE_SEQUENCE = re.compile(r"\x1b(?:\[[0-?]*[ -/]*[@-~]?|O.?|.)?", re.DOTALL)


def key_events(typed: str) -> list[tuple]:
    """The events in keys read at once: Enter re-checks, h shows a hint, q quits; any other key,
    and the escape sequences of special keys (Home ends in H), do nothing."""
    return [KEYS[char] for char in ESCAPE_SEQUENCE.sub("", typed) if char in KEYS]


def line_event(line: str) -> tuple:
    """Line input, where keys cannot be read one by one: q quits, h shows a hint, anything else re-checks."""
    command = line.strip().lower()
    return QUIT if command in ("q", "quit", "exit") else HINT if command == "h" else CHECK


class Keyboard:
    """The learner's keys as watch events: one key at a time where stdin is a terminal (cbreak mode
    on POSIX, msvcrt on Windows), whole lines elsewhere. ``restore()`` gives the terminal back."""

    def __init__(self, events: queue.Queue, stdin=None):
        self.events, self.stdin = events, stdin or sys.stdin
        self._saved = None  # the terminal's settings before cbreak mode
        self.by_key = self._single_keys()

    def _single_keys(self) -> bool:
        try:
            if not self.stdin.isatty():
                return False
        except (AttributeError, ValueError):  # closed or replaced stdin
            return False
        if os.name == "nt":
            return True  # msvcrt reads the console key by key without changing its settings
        try:
            import termios
            import tty
        except ImportError:
            return False
        fd = self.stdin.fileno()
        try:
            self._saved = termios.tcgetattr(fd)
            tty.setcbreak(fd)  # keys arrive at once, not echoed; Ctrl-C still interrupts
        except (termios.error, OSError):
            self._saved = None
            return False
        return True

    def restore(self) -> None:
        if self._saved is not None:
            import termios

            termios.tcsetattr(self.stdin.fileno(), termios.TCSADRAIN, self._saved)
            self._saved = None

    def start(self) -> None:
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        put = self.events.put
        if not self.by_key:
            for line in self.stdin or ():  # no stdin at all (pythonw): saves alone drive watch
                put(line_event(line))
        elif os.name == "nt":
            import msvcrt

            while True:
                char = msvcrt.getwch()
                if char in ("\x00", "\xe0"):  # an arrow or function key: its code follows
                    msvcrt.getwch()
                    continue
                for event in key_events(char):
                    put(event)
        else:
            fd = self.stdin.fileno()
            while chunk := os.read(fd, 64):  # a special key's whole escape sequence comes in one read
                for event in key_events(chunk.decode("utf-8", errors="ignore")):
                    put(event)


def _check_until_interrupted(exercise, args, worker, events: queue.Queue):
    """Grade in a thread; a save of the exercise's file or q cancels it. True/False, or "again"/"quit"."""
    cancel, outcome = threading.Event(), {}
    grading = threading.Thread(target=lambda: outcome.update(passed=check(
        exercise, model=args.model, worker=worker, cancel=cancel, source="watch")), daemon=True)
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
            console.print(f"[yellow]{t('Saved while grading: that check is cancelled; grading the new version.')}[/]")
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
    observer, watched = None, None
    worker = None
    if not args.no_worker:
        from kata.grading.worker import Worker

        worker = Worker(args.model, language())  # keeps torch and the model loaded between checks
    keyboard = Keyboard(events)
    try:
        keyboard.start()
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
                console.print(t("Bye! Your progress is saved."))
                return 0
            if passed == "again":
                continue
            following = next_exercise() if passed else exercise
            if following is None:
                console.print(f"[green bold]{t('All exercises pass. Well done!')}[/]")
                return 0
            if following != exercise:
                console.print(f"[green]{t('{id} passes! Moving on to {next}.', id=exercise.id, next=following.id)}[/]")
                exercise = following
                continue
            start = t("Watching {file}. Save it to re-check; Enter re-checks now, h shows a hint, q quits.", file=relative(module)) if keyboard.by_key else t("Watching {file}. Save it to re-check; Enter re-checks now, h shows a hint, q quits (press Enter after the key).", file=relative(module))
            console.print(f"[cyan]{start}[/]")
            while True:
                event = events.get()
                if event[0] == "quit":
                    console.print(t("Bye! Your progress is saved."))
                    return 0
                if event[0] == "hint":
                    show_hint(exercise)
                    continue
                if event[0] == "saved" and not _is_save_of(event, module):
                    continue
                _settle(events)
                break
    except KeyboardInterrupt:
        console.print(f"\n{t('Bye! Your progress is saved.')}")
        return 0
    finally:
        keyboard.restore()
        if observer:
            observer.stop()
        if worker:
            worker.stop()
