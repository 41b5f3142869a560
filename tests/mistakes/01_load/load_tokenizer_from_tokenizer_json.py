"""load_tokenizer() builds the tokenizer from tokenizer.json alone: the ids are right, but the chat
template and the special-token roles are lost."""
import os

from transformers import PreTrainedTokenizerFast

from kata.plugin.adapters import reference_functions

globals().update(reference_functions("01_load"))

CAUGHT_BY = "has no chat template"


def load_tokenizer(model_id):
    return PreTrainedTokenizerFast(tokenizer_file=os.path.join(model_id, "tokenizer.json"))
