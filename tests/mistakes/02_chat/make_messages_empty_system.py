"""make_messages() always adds a system turn, with an empty string when no system prompt is given."""
from kata.plugin.adapters import reference_functions

globals().update(reference_functions("02_chat"))

CAUGHT_BY = "with system=None there is no system turn"


def make_messages(user, system=None):
    return [{"role": "system", "content": system or ""}, {"role": "user", "content": user}]
