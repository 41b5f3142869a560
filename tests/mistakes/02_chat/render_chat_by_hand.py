"""render_chat() builds Qwen's ChatML by hand instead of asking the tokenizer for its template."""
from kata.plugin.adapters import reference_functions

globals().update(reference_functions("02_chat"))

CAUGHT_BY = "the tokenizer's own template"


def render_chat(tokenizer, messages):
    return chatml(messages)  # noqa: F821 - the reference chatml, from globals()
