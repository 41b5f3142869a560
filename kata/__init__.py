"""llm-kata: the harness behind the exercises.

Layers, each importing only those below it (tests/test_layers.py holds the table):
cli -> grading -> plugin -> testkit, model -> course -> core -> i18n.
"""

from kata import _moved

__version__ = "0.1.0"
_moved.install()
