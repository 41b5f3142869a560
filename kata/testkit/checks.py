"""Assertions for graded tests whose failures speak to a learner.

Every failure says what was called, what came back, what was expected and, where we can
recognise it, the likely mistake. ``pytest.fail(..., pytrace=False)`` keeps the output to that
message instead of a traceback through the test's own code.
"""

from __future__ import annotations

from collections.abc import Iterable

import pytest

from kata import i18n
from kata.core.hfutil import dtype_name
from kata.i18n import t


def describe(value) -> str:
    """A short, human description of any value a learner's function might return."""
    try:
        import torch
    except ImportError:  # pragma: no cover - torch is a dependency
        torch = None
    if torch is not None and isinstance(value, torch.Tensor):
        shape = list(value.shape)
        return t("a tensor of shape {shape} ({dtype}, on {device})", shape=shape, dtype=dtype_name(value.dtype),
                 device=value.device.type)
    if value is None:
        return t("None (did the function forget to `return`?)")
    if isinstance(value, (list, tuple)):
        kinds = sorted({type(v).__name__ for v in value})
        return t("a {kind} of {n} item(s) ({kinds})", kind=type(value).__name__, n=len(value),
                 kinds=", ".join(kinds) or t("empty"))
    if isinstance(value, dict) or hasattr(value, "keys"):
        return t("a {kind} with keys {keys}", kind=type(value).__name__, keys=list(value.keys()))
    text = repr(value)
    return f"{type(value).__name__} {text[:80]}{'...' if len(text) > 80 else ''}"


def quoted(text: str, limit: int = 400) -> str:
    """repr(text), cut to ``limit`` characters for a message."""
    shown = repr(text)
    return shown if len(shown) <= limit else shown[:limit] + "...'"


def quoted_messages(messages) -> str:
    """A conversation (list of turns) as it would be written in a call, cut for a message."""
    return quoted(repr(messages), 300)[1:-1]


def text_difference(got: str, expected: str) -> str:
    """Where two strings first differ, with a little context from each."""
    i = next((k for k, (a, b) in enumerate(zip(got, expected)) if a != b), min(len(got), len(expected)))
    start = max(0, i - 15)
    return t("the first difference is at character {i}: yours reads {yours!r}, the template's reads {theirs!r}",
             i=i, yours=got[start:i + 25], theirs=expected[start:i + 25])


def fail(call: str, got: str, expected: str, mistake: str | None = None) -> None:
    lines = [call, t("  returned: ") + got, t("  expected: ") + expected]
    if mistake:
        lines.append(t("  likely mistake: ") + mistake)
    failure = pytest.fail.Exception("\n".join(lines), pytrace=False)
    # The mistake's template names the explanation, whatever values fill it in: two tests that
    # fail for the same reason are explained once (kata.core.report.explanation_id).
    failure.kata_template = i18n.template_of(mistake) if mistake else None
    raise failure


def expect_tensor(value, call: str, expected: str, mistake: str | None = None):
    """``value`` must be a torch.Tensor; returns it."""
    import torch

    if not isinstance(value, torch.Tensor):
        if mistake is None and hasattr(value, "keys"):
            mistake = t("this is a dict-like model or tokenizer output; take the tensor out of it.")
        fail(call, describe(value), expected, mistake)
    return value


def expect_shape(value, shape: Iterable[int], call: str, expected: str, mistakes: dict | None = None):
    """``value.shape`` must equal ``shape``. ``mistakes`` maps a wrong shape to its explanation."""
    shape = tuple(shape)
    if tuple(value.shape) != shape:
        mistake = (mistakes or {}).get(tuple(value.shape))
        fail(call, describe(value), t("{expected}, shape {shape}", expected=expected, shape=list(shape)), mistake)
    return value


def close(actual, expected, rel: float = 2e-2) -> bool:
    """Equal up to what different but correct arithmetic may change (bf16 rounding, fusion).

    The tolerance scales with the size of the values, so it is the same test for a tiny model
    and for the real one.
    """
    import torch

    a, b = actual.detach().float().cpu(), expected.detach().float().cpu()
    if a.shape != b.shape:
        return False
    scale = b.abs().max().item() if b.numel() else 0.0
    return bool(torch.allclose(a, b, rtol=rel, atol=rel * max(scale, 1e-6)))


def difference(actual, expected) -> float:
    """The largest absolute difference between two tensors, compared in float32 on the CPU."""
    return (actual.detach().float().cpu() - expected.detach().float().cpu()).abs().max().item()


def expect_close(actual, expected, call: str, what: str, suspects: Iterable[tuple] = (), rel: float = 2e-2):
    """``actual`` must match ``expected``; ``suspects`` are (wrong_value, explanation) pairs."""
    if close(actual, expected, rel):
        return
    if tuple(actual.shape) != tuple(expected.shape):
        fail(call, describe(actual), t("{expected}, shape {shape}", expected=what, shape=list(expected.shape)))
    mistake = None
    for wrong, explanation in suspects:
        if wrong is not None and close(actual, wrong, rel):
            mistake = explanation
            break
    fail(call, t("{value} whose values differ from transformers' by up to {diff:.3g}", value=describe(actual),
                 diff=difference(actual, expected)), what, mistake)
