"""The deadline of a graded test: it stops the test, never the session, on every OS.

pytest-timeout's ``timeout`` marker sets each graded test's limit, and its timer hooks hand the timer
to the course (kata.plugin.hooks): a watchdog thread raises ``GradedTestTimeout`` inside the test
(``PyThreadState_SetAsyncExc``), which stops any loop written in Python. pytest-timeout's own methods
end the whole process on Windows (so a hanging learner loop would take every other result with it)
and fail with a plain message elsewhere; this one is the same everywhere, and recognised by its type.
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import threading

# Per test, on the offline stand-in: every graded test takes well under a second there, so a
# loop that never stops is reported in seconds. The real model gets the manifest's limit.
STANDIN_LIMIT_S = 10.0
# The least limit for the other tests of an exercise once one of its tests hung (a tenth of the
# limit, at least this): enough for any working test on the stand-in.
AFTER_A_HANG_S = 3.0


class GradedTestTimeout(Exception):
    pass


def limit_for(exercise_limit: float, standin: bool) -> float:
    """The time limit of one graded test; KATA_TIMEOUT overrides (a slow machine, the project's tests)."""
    if os.environ.get("KATA_TIMEOUT"):
        return float(os.environ["KATA_TIMEOUT"])
    return min(float(exercise_limit), STANDIN_LIMIT_S) if standin else float(exercise_limit)


def _raise_in(thread_id: int, exception) -> None:
    """Schedule ``exception`` in that thread; None (a NULL pointer) cancels a pending one."""
    ctypes.pythonapi.PyThreadState_SetAsyncExc(
        ctypes.c_ulong(thread_id), ctypes.py_object(exception) if exception is not None else None
    )


@contextlib.contextmanager
def deadline(seconds: float):
    """Raise GradedTestTimeout in this thread if the block runs longer than ``seconds``."""
    target = threading.get_ident()
    lock = threading.Lock()
    state = {"finished": False, "fired": False}

    class Timeout(GradedTestTimeout):
        def __init__(self):
            super().__init__(f"the time limit of {seconds} s was reached")

    def watchdog():
        if finished.wait(seconds):
            return
        with lock:
            if not state["finished"]:
                state["fired"] = True
                _raise_in(target, Timeout)

    finished = threading.Event()
    threading.Thread(target=watchdog, daemon=True, name="kata-deadline").start()
    try:
        yield
    finally:
        with lock:
            state["finished"] = True
            finished.set()
            if state["fired"]:
                _raise_in(target, None)  # never let a late exception land outside the test
