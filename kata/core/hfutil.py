"""Small helpers around torch and transformers that every other module may use.

They import nothing heavy at module level, so anything can import this module without a cycle.
"""

from __future__ import annotations

import contextlib


def dtype_name(dtype) -> str:
    """'bfloat16' for torch.bfloat16."""
    return str(dtype).replace("torch.", "")


@contextlib.contextmanager
def quiet_transformers():
    """Silence transformers' progress bars and info logs for a local load or save."""
    from transformers.utils import logging as hf_logging

    bars, verbosity = hf_logging.is_progress_bar_enabled(), hf_logging.get_verbosity()
    hf_logging.disable_progress_bar()
    hf_logging.set_verbosity_error()
    try:
        yield
    finally:
        hf_logging.set_verbosity(verbosity)
        if bars:
            hf_logging.enable_progress_bar()
