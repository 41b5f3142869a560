"""Time limits for graded tests that stop the test, never the session.

Where the OS has SIGALRM (Linux, macOS) pytest-timeout's signal method does this. Elsewhere
(Windows) pytest-timeout can only end the whole process, so a hanging learner loop would take
every other result with it; there a watchdog thread raises ``GradedTestTimeout`` inside the test
instead (``PyThreadState_SetAsyncExc``), which stops any loop written in Python.
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import signal
import threading

# Per test, on the offline stand-in: every graded test takes well under a second there, so a
# loop that never stops is reported in seconds. The real model gets the manifest's limit.
STANDIN_LIMIT_S = 10.0
# The least limit for the other tests of an exercise once one of its tests hung (a tenth of the
# limit, at least this): enough for any working test on the stand-in.
AFTER_A_HANG_S = 3.0


class GradedTestTimeout(Exception):
    pass


def is_timeout(error: BaseException) -> bool:
    """A test stopped at its time limit: by our watchdog, or by pytest-timeout's signal method
    (which fails the test with its own "Timeout (>N s)" message)."""
    return isinstance(error, GradedTestTimeout) or str(error).startswith("Timeout (>")


def limit_for(exercise_limit: float, standin: bool) -> float:
    """The time limit of one graded test; KATA_TIMEOUT overrides (a slow machine, the project's tests)."""
    if os.environ.get("KATA_TIMEOUT"):
        return float(os.environ["KATA_TIMEOUT"])
    return min(float(exercise_limit), STANDIN_LIMIT_S) if standin else float(exercise_limit)


def method() -> str:
    """"signal" or "async"; KATA_TIMEOUT_METHOD overrides (the project's tests try both)."""
    chosen = os.environ.get("KATA_TIMEOUT_METHOD")
    if chosen in ("signal", "async"):
        return chosen
    return "signal" if hasattr(signal, "SIGALRM") else "async"


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
            super().__init__(f"Timeout (>{seconds}s) from llm-kata")

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
