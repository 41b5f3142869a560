"""count_parameters() returns a 0-d tensor instead of a Python int."""
import torch

from kata.plugin.adapters import reference_functions

globals().update(reference_functions("01_load"))

CAUGHT_BY = "convert with int(...)"


def count_parameters(model):
    return torch.stack([torch.tensor(p.numel()) for p in model.parameters()]).sum()
