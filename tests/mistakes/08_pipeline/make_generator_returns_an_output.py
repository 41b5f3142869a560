"""make_generator() calls the pipeline once and returns that output instead of the pipeline."""
from transformers import pipeline

from kata.plugin.adapters import reference_functions

globals().update(reference_functions("08_pipeline"))

CAUGHT_BY = "not its output"


def make_generator(model, tokenizer):
    generator = pipeline("text-generation", model=model, tokenizer=tokenizer)
    return generator("Hello", max_new_tokens=1, do_sample=False)
