"""pad_batch() pads on the right, and generate_batch() generates from its batch.

generate_batch here is the reference's loop, looking pad_batch up in this file, as a learner's own
generate_batch calls their own pad_batch: its tests name the right padding as the cause too.
"""
# ruff: noqa: F821  (the reference's functions arrive through globals() below)
import types

import torch

from kata.plugin.adapters import reference_functions

globals().update(reference_functions("07_batch"))

CAUGHT_BY = "padded on the RIGHT"


def pad_batch(tokenizer, prompts):
    enc = tokenizer(prompts, padding=True, return_tensors="pt")
    return {"input_ids": enc["input_ids"], "attention_mask": enc["attention_mask"]}


_loop = generate_batch.__wrapped__  # the reference's loop, without its torch.no_grad() wrapper
generate_batch = torch.no_grad()(types.FunctionType(_loop.__code__, globals(), _loop.__name__, _loop.__defaults__))
