"""How far a tensor may be from the model's own and still be right, per dtype and device.

Two correct implementations of the same computation round in different orders, so their results
differ by an amount set by the dtype's precision (and, on a GPU, by the kernels). ``TOLERANCE``
gives that margin as a fraction of the largest |value| there, for one piece of a forward pass and
for the whole forward; ``within`` compares with it, ``verdict`` puts the numbers in words, and
``mismatch`` fails a graded test naming the place, the likely mistake and those numbers.
"""

from __future__ import annotations

import torch

from kata.core.hfutil import dtype_name
from kata.i18n import t
from kata.testkit.checks import describe, difference, fail

# The largest allowed |got - want|, as a fraction of the largest |want| there: (one piece, the whole
# forward). bf16 keeps 8 significant bits: one rounding moves a value by up to 2^-8 of itself, and a
# piece rounds several times (products, sums, softmax weights) in an order that differs between
# correct implementations; measured on the CPU: up to 0.0073 (eager vs sdpa attention, Qwen2.5-0.5B's
# shape). float32 keeps 24 bits: correct pieces agree to about 1e-6, rotary angles at position 30000
# to 1.4e-4. The whole forward adds up two pieces per layer: 0.019 in bf16 over 24 layers.
# GPU kernels sum in other orders and fuse steps: twice the CPU margin (not measured).
TOLERANCE = {
    (torch.bfloat16, "cpu"): (2**-5, 2**-4),
    (torch.bfloat16, "gpu"): (2**-4, 2**-3),
    (torch.float16, "cpu"): (2**-8, 2**-6),
    (torch.float16, "gpu"): (2**-7, 2**-5),
    (torch.float32, "cpu"): (2**-10, 2**-8),
    (torch.float32, "gpu"): (2**-9, 2**-7),
}


def tolerance(dtype, device, whole=False) -> float:
    """The allowed error, as a fraction of the largest |value|: for one piece, or (whole) a whole forward."""
    return TOLERANCE[dtype, "cpu" if torch.device(device).type == "cpu" else "gpu"][whole]


def tie_margin(dtype, device) -> float:
    """How far below the best logit another token may be (a fraction of the largest |logit|) and still count as a
    tie: one piece's tolerance, never more than the whole forward's, so no token the logits check tells apart."""
    return min(tolerance(dtype, device), tolerance(dtype, device, whole=True))


def same_argmax(got, want, dtype) -> bool:
    """The last position of logits ``got`` picks want's token, or a near tie with it: only when got is within the
    whole forward's tolerance of want, and want rates got's token within tie_margin of its best."""
    row, got_id = want[0, -1].detach().float(), int(got[0, -1].argmax())
    if got_id == int(row.argmax()):
        return True
    tie = row[got_id] >= row.max() - tie_margin(dtype, want.device) * row.abs().max()
    return bool(tie) and within(got, want, dtype, whole=True)


def gap(got, want) -> tuple[float, float]:
    """(largest |got - want|, largest |want|), in float32 on the CPU; nan when the shapes differ."""
    scale = want.detach().float().cpu().abs().max().item()
    return (difference(got, want) if got.shape == want.shape else float("nan")), scale


def within(got, want, dtype, whole=False) -> bool:
    """got equals want up to the tolerance of dtype on want's device (False when the shapes differ)."""
    err, scale = gap(got, want)
    return err <= tolerance(dtype, want.device, whole) * max(scale, 1e-6)  # False for nan


def verdict(got, want, dtype, whole=False) -> str:
    """The largest error against the tolerance, in words."""
    (err, scale), tol = gap(got, want), tolerance(dtype, want.device, whole)
    return t("Largest error {err:.3g} where the values reach {scale:.3g}; tolerance {tol:.3g} "
             "(2^{power} of that: {dtype} on {device}).", err=err, scale=scale, tol=tol * scale,
             power=round(torch.tensor(tol).log2().item()), dtype=dtype_name(dtype), device=want.device.type)


def listed(items) -> str:
    """Places or parts as a list in the learner's language: "a, b, c" (Chinese: "a、b、c")."""
    return t(", ").join(items)


def mismatch(label, got, want, dtype, expected, place, why, ok=(), whole=False, returned=None):
    """Fail naming the place, the likely mistake, the largest error against the tolerance, and what matched before.

    ``got`` is a tensor (its verdict against ``want`` is given) or already a sentence; ``ok`` the
    places that matched before ``place``; ``returned`` replaces the description of ``got``.
    """
    numbers = verdict(got, want, dtype, whole) if isinstance(got, torch.Tensor) else got
    before = t(" Everything before it matches: {places}.", places=listed(ok)) if ok else ""
    mistake = t("first difference at {place}: {why} {numbers}{before}", place=place, why=why, numbers=numbers,
                before=before)
    fail(label, returned or describe(got), expected, mistake)
