"""complete() passes repetition_penalty=1.0, so it is not what model.generate(do_sample=False) gives."""
from kata.plugin.adapters import reference_functions

globals().update(reference_functions("08_pipeline"))

CAUGHT_BY = "repetition_penalty=1.0 was passed"


def complete(generator, prompt, max_new_tokens):
    out = generator(prompt, do_sample=False, repetition_penalty=1.0, max_new_tokens=max_new_tokens,
                    return_full_text=False)
    return out[0]["generated_text"]
