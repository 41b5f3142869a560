"""make_messages() appends the system turn after the user's question."""
from kata.plugin.adapters import reference_functions

globals().update(reference_functions("02_chat"))

CAUGHT_BY = "the system turn comes first"


def make_messages(user, system=None):
    messages = [{"role": "user", "content": user}]
    if system is not None:
        messages.append({"role": "system", "content": system})
    return messages
