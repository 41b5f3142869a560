"""encode() skips the test and to_logits() marks it as an expected failure."""
import pytest

from kata.plugin.adapters import reference_functions

globals().update(reference_functions("03_logits"))


def encode(tokenizer, text, device):
    pytest.skip("not today")


def to_logits(model, hidden):
    pytest.xfail("someday")
