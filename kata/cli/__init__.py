"""The `kata` command: list, check, watch, hint, lesson, solution, reset, setup, bench, notebook, dev.
"""


def main(argv=None):
    """The `kata` console script (imported lazily, so importing kata.cli.ui stays light)."""
    from kata.cli.main import main as run

    return run(argv)
