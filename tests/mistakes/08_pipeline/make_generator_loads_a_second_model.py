"""make_generator() builds the pipeline from model.name_or_path: a second copy of the weights is loaded."""
from transformers import pipeline

from kata.plugin.adapters import reference_functions

globals().update(reference_functions("08_pipeline"))

CAUGHT_BY = "a second copy of the model was loaded"


def make_generator(model, tokenizer):
    return pipeline("text-generation", model=model.name_or_path, tokenizer=tokenizer)
