"""complete() never passes max_new_tokens on: the pipeline's default (256 new tokens) applies."""
from kata.plugin.adapters import reference_functions

globals().update(reference_functions("08_pipeline"))

CAUGHT_BY = "pass max_new_tokens on"


def complete(generator, prompt, max_new_tokens):
    out = generator(prompt, do_sample=False, return_full_text=False)
    return out[0]["generated_text"]
