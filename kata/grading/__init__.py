"""Running a graded pytest session (a fresh interpreter, or the warm worker of `kata watch`) and
reading its typed report back. ``kata.grading.X`` is kept for the names of kata.grading.run.
"""

from kata.grading.run import *  # noqa: F401,F403
from kata.grading.run import Report, TestResult, explanation_id, grouped, in_function_order, pytest_args  # noqa: F401
