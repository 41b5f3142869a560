"""llm-kata: the harness behind the exercises (manifest, model resolution, pytest plugin, CLI)."""

__version__ = "0.1.0"
