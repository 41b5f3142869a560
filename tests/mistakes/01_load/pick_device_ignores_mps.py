"""pick_device() knows only cuda and cpu (the usual one-liner), so an Apple GPU is never used."""
import torch

from kata.plugin.adapters import reference_functions

globals().update(reference_functions("01_load"))

CAUGHT_BY = "torch.backends.mps.is_available()"


def pick_device():
    return torch.device("cuda" if torch.cuda.is_available() else "cpu")
