"""chat() hands the pipeline the user's text alone: no chat template, so the model continues the text."""
from kata.plugin.adapters import reference_functions

globals().update(reference_functions("08_pipeline"))

CAUGHT_BY = "it applies the chat template"


def chat(generator, messages, max_new_tokens):
    out = generator(messages[-1]["content"], do_sample=False, max_new_tokens=max_new_tokens, return_full_text=False)
    return out[0]["generated_text"]
