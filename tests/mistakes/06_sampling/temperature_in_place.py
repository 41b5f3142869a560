"""apply_temperature() divides the caller's tensor in place (`/=`) and returns it."""
from kata.plugin.adapters import reference_functions

globals().update(reference_functions("06_sampling"))

CAUGHT_BY = "in place"


def apply_temperature(logits, temperature):
    if not temperature > 0:
        raise ValueError(f"temperature must be > 0, got {temperature}")
    logits /= temperature
    return logits
