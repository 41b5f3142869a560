"""make_messages() returns (role, content) tuples instead of dicts."""
from kata.plugin.adapters import reference_functions

globals().update(reference_functions("02_chat"))

CAUGHT_BY = "make each turn a dict"


def make_messages(user, system=None):
    messages = [("user", user)]
    if system is not None:
        messages.insert(0, ("system", system))
    return messages
