"""greedy_generate() returns the prompt followed by the new text."""

from kata.plugin.adapters import reference_functions

globals().update(reference_functions("04_decode"))

CAUGHT_BY = "without the prompt in front"

_reference = greedy_generate


def greedy_generate(model, tokenizer, prompt, max_new_tokens):
    return prompt + _reference(model, tokenizer, prompt, max_new_tokens)
