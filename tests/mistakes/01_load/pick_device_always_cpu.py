"""pick_device() always answers cpu."""
import torch

from kata.plugin.adapters import reference_functions

globals().update(reference_functions("01_load"))

CAUGHT_BY = "check torch.cuda.is_available() first"


def pick_device():
    return torch.device("cpu")
