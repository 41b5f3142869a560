"""make_messages() writes Qwen's default system prompt itself when none is given."""
from kata.plugin.adapters import reference_functions

globals().update(reference_functions("02_chat"))

CAUGHT_BY = "the template adds its default system prompt itself"

DEFAULT = "You are Qwen, created by Alibaba Cloud. You are a helpful assistant."


def make_messages(user, system=None):
    return [{"role": "system", "content": system if system is not None else DEFAULT},
            {"role": "user", "content": user}]
