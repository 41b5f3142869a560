"""chat() takes message [2] of the returned conversation: right only for a system + user conversation."""
from kata.plugin.adapters import reference_functions

globals().update(reference_functions("08_pipeline"))

CAUGHT_BY = "not the reply"


def chat(generator, messages, max_new_tokens):
    out = generator(messages, do_sample=False, max_new_tokens=max_new_tokens)
    return out[0]["generated_text"][2]["content"]
