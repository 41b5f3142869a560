"""chat() returns the whole conversation (the message list with the reply appended)."""
from kata.plugin.adapters import reference_functions

globals().update(reference_functions("08_pipeline"))

CAUGHT_BY = "this is the whole conversation"


def chat(generator, messages, max_new_tokens):
    out = generator(messages, do_sample=False, max_new_tokens=max_new_tokens)
    return out[0]["generated_text"]
