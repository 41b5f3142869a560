"""apply_temperature() never checks the temperature: 0 gives inf/nan scores, no ValueError."""
from kata.plugin.adapters import reference_functions

globals().update(reference_functions("06_sampling"))

CAUGHT_BY = "no error raised"


def apply_temperature(logits, temperature):
    return logits / temperature
