"""`python -m kata` runs the `kata` command (for a copy that is not pip-installed)."""

import sys

from kata.cli import main

sys.exit(main())
