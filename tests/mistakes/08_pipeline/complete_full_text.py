"""complete() leaves return_full_text on: the prompt comes back in front of the continuation."""
from kata.plugin.adapters import reference_functions

globals().update(reference_functions("08_pipeline"))

CAUGHT_BY = "return_full_text=False"


def complete(generator, prompt, max_new_tokens):
    out = generator(prompt, do_sample=False, max_new_tokens=max_new_tokens)
    return out[0]["generated_text"]
