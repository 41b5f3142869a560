"""`kata watch`'s keys and where it goes next: the pieces alone, then the keys in a real terminal."""

from __future__ import annotations

import os
import queue
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from graded_runs import shipped_copy
from kata.cli.watch import CHECK, HINT, QUIT, Keyboard, key_events, line_event, next_exercise
from kata.course import manifest

EXERCISES = manifest.exercises()


def test_a_key_alone_is_an_event():
    assert key_events("h") == [HINT] and key_events("q") == [QUIT]
    assert key_events("\r") == [CHECK] and key_events("\n") == [CHECK]
    assert key_events("Q") == [QUIT]  # caps lock on
    assert key_events("x") == [] and key_events(" ") == []
    assert key_events("hq") == [HINT, QUIT]  # typed faster than they were read


@pytest.mark.parametrize("sequence", ["\x1b[H", "\x1bOH", "\x1b[1;5H", "\x1b[A", "\x1b[15~"],
                         ids=["home", "home-app-mode", "ctrl-home", "arrow", "f5"])
def test_special_keys_do_nothing_even_where_their_codes_hold_h_or_q(sequence):
    assert key_events(sequence) == []
    assert key_events(sequence + "h") == [HINT]  # the key after it still counts


def test_escape_and_alt_keys_do_nothing():
    assert key_events("\x1b") == [] and key_events("\x1bq") == [] and key_events("\x1bh") == []


def test_line_input_where_keys_cannot_be_read_alone():
    assert line_event("q\n") == QUIT and line_event("quit\n") == QUIT and line_event(" H \n") == HINT
    assert line_event("\n") == CHECK and line_event("anything\n") == CHECK


def test_a_pipe_is_read_line_by_line(tmp_path):
    with open(tmp_path / "keys", "w+") as stdin:
        stdin.write("h\nq\n")
        stdin.seek(0)
        events: queue.Queue = queue.Queue()
        keyboard = Keyboard(events, stdin)
        assert not keyboard.by_key
        keyboard._read()
        keyboard.restore()  # nothing to restore: a no-op
    assert [events.get_nowait(), events.get_nowait()] == [HINT, QUIT]


def record(status: str) -> dict:
    return {"status": status, "passed": 1, "total": 1}


def test_after_a_pass_watch_goes_to_the_first_exercise_not_done_earlier_ones_included():
    ids = [e.id for e in EXERCISES]
    late_start = {"exercises": {i: record("done") for i in ids[5:]}}  # started at 06 and finished 06-09
    assert next_exercise(late_start).id == ids[0]
    gap = {"exercises": {**{i: record("done") for i in ids}, ids[3]: record("failing")}}
    assert next_exercise(gap).id == ids[3]
    assert next_exercise({"exercises": {i: record("done") for i in ids}}) is None
    assert next_exercise({}).id == ids[0]


# --- in a real terminal -------------------------------------------------------------------------

posix_terminal = pytest.mark.skipif(os.name != "posix", reason="a pseudo-terminal needs POSIX")


@pytest.fixture(scope="module")
def course(tmp_path_factory) -> Path:
    return shipped_copy(tmp_path_factory.mktemp("keys") / "course")


class TerminalWatch:
    """`kata watch` with its stdin on a pseudo-terminal, as in a learner's terminal window."""

    def __init__(self, course: Path, tmp_path: Path):
        import pty
        import termios

        self.master, self.terminal = pty.openpty()
        self.before = termios.tcgetattr(self.terminal)
        env = {k: v for k, v in os.environ.items() if k not in ("KATA_SOLUTIONS", "KATA_IMPL_FILE", "KATA_REPORT")}
        env.update(KATA_MODEL="tiny", KATA_LANG="en", COLUMNS="200", KATA_STATE=str(tmp_path / "state.json"))
        self.output = tmp_path / "watch.log"
        with open(self.output, "w") as log:
            self.proc = subprocess.Popen([sys.executable, "-m", "kata", "watch", "3", "--no-worker"], cwd=course,
                                         env=env, stdin=self.terminal, stdout=log, stderr=subprocess.STDOUT)

    def wait_for(self, text: str, timeout: float = 120) -> str:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            seen = self.output.read_text(encoding="utf-8")
            if text in seen:
                return seen
            if self.proc.poll() is not None:
                break
            time.sleep(0.2)
        raise AssertionError(f"never saw {text!r}:\n{self.output.read_text(encoding='utf-8')}")

    def press(self, key: bytes) -> None:
        os.write(self.master, key)  # one key, no Enter

    def settings(self):
        import termios

        return termios.tcgetattr(self.terminal)

    def close(self) -> None:
        self.proc.kill()
        self.proc.wait()
        os.close(self.master)
        os.close(self.terminal)


@posix_terminal
def test_in_a_terminal_h_and_q_act_at_once_and_the_terminal_is_given_back(course, tmp_path):
    watch = TerminalWatch(course, tmp_path)
    try:
        seen = watch.wait_for("Watching exercises/03_logits/logits.py")
        assert "press Enter after the key" not in seen  # one key is enough here
        assert watch.settings() != watch.before  # cbreak mode while it watches
        watch.press(b"h")
        watch.wait_for("Hint 1/")
        watch.press(b"q")
        assert watch.proc.wait(timeout=30) == 0
        assert "Bye!" in watch.output.read_text(encoding="utf-8")
        assert watch.settings() == watch.before
    finally:
        watch.close()


@posix_terminal
def test_ctrl_c_gives_the_terminal_back_too(course, tmp_path):
    watch = TerminalWatch(course, tmp_path)
    try:
        watch.wait_for("Watching exercises/03_logits/logits.py")
        watch.proc.send_signal(signal.SIGINT)  # what Ctrl-C sends (cbreak mode keeps it)
        assert watch.proc.wait(timeout=30) == 0
        assert watch.settings() == watch.before
    finally:
        watch.close()
