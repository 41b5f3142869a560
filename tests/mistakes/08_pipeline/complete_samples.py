"""complete() leaves the checkpoint's sampling on (no do_sample=False), as the notebook's first cells did."""
from kata.plugin.adapters import reference_functions

globals().update(reference_functions("08_pipeline"))

CAUGHT_BY = "the model sampled"


def complete(generator, prompt, max_new_tokens):
    out = generator(prompt, max_new_tokens=max_new_tokens, return_full_text=False)
    return out[0]["generated_text"]
