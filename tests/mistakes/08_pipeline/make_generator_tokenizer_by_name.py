"""make_generator() passes the model object but the tokenizer by name: a second tokenizer is loaded."""
from transformers import pipeline

from kata.plugin.adapters import reference_functions

globals().update(reference_functions("08_pipeline"))

CAUGHT_BY = "the pipeline loaded a second tokenizer"


def make_generator(model, tokenizer):
    return pipeline("text-generation", model=model, tokenizer=model.name_or_path)
