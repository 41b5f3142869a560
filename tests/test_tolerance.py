"""kata.testkit.tolerance: the per-dtype margins, and the words a learner reads when a tensor is off."""

from __future__ import annotations

import math

import pytest
import torch

from kata.testkit.tolerance import TOLERANCE, gap, mismatch, same_argmax, tie_margin, tolerance, verdict, within


def test_the_table_covers_every_float_dtype_on_both_kinds_of_device():
    assert set(TOLERANCE) == {(d, k) for d in (torch.bfloat16, torch.float16, torch.float32) for k in ("cpu", "gpu")}


def test_the_margins_stay_above_what_correct_code_was_measured_to_differ_by():
    piece, whole = TOLERANCE[torch.bfloat16, "cpu"]
    assert piece > 0.0073 and whole > 0.019  # eager vs sdpa attention; a whole forward over 24 layers
    assert TOLERANCE[torch.float32, "cpu"][0] > 1.4e-4  # rotary angles at position 30000


@pytest.mark.parametrize("dtype", [torch.bfloat16, torch.float16, torch.float32])
def test_a_whole_forward_and_a_gpu_get_more_room_than_one_piece_on_the_cpu(dtype):
    (piece, whole), (gpu_piece, gpu_whole) = TOLERANCE[dtype, "cpu"], TOLERANCE[dtype, "gpu"]
    assert piece < whole
    assert (gpu_piece, gpu_whole) == (2 * piece, 2 * whole)


def test_a_finer_dtype_gets_a_tighter_margin():
    margins = [TOLERANCE[d, "cpu"] for d in (torch.float32, torch.float16, torch.bfloat16)]
    assert margins == sorted(margins)


def test_any_device_but_the_cpu_counts_as_a_gpu():
    assert tolerance(torch.bfloat16, "cpu") == 2**-5
    assert tolerance(torch.bfloat16, torch.device("cuda", 0)) == 2**-4
    assert tolerance(torch.bfloat16, "mps", whole=True) == 2**-3


def test_within_scales_with_the_values():
    want = torch.tensor([1.0, -2.0, 4.0])
    for scale in (1e-3, 1.0, 1e3):
        assert within(want * scale + 0.01 * scale, want * scale, torch.bfloat16)  # 0.01 / 4 < 2^-5
        assert not within(want * scale + 0.2 * scale, want * scale, torch.bfloat16)  # 0.2 / 4 > 2^-5
    assert within(want + 0.2, want, torch.bfloat16, whole=True)  # 0.2 / 4 < 2^-4


@pytest.mark.parametrize("device", ["cpu", "cuda"])
@pytest.mark.parametrize("dtype", [torch.bfloat16, torch.float16, torch.float32])
def test_a_tie_of_the_argmax_is_never_looser_than_the_logits_check(dtype, device):
    assert tie_margin(dtype, device) <= tolerance(dtype, device, whole=True)
    assert tie_margin(dtype, device) <= tolerance(dtype, device)  # one piece's margin: 2^-4 in bf16 on a GPU


def logits(*last):
    return torch.tensor([[[0.0] * len(last), list(last)]])  # [1, T=2, vocab]: only the last position counts


def test_another_argmax_passes_only_as_a_near_tie_of_logits_within_tolerance():
    want = logits(10.0, 9.999, 0.0)  # tokens 0 and 1 tie; token 2 is far below
    assert same_argmax(logits(10.0, 9.99, 0.0), want, torch.float32)
    assert same_argmax(logits(9.999, 10.0, 0.0), want, torch.float32)  # a tie, and the logits within tolerance
    assert not same_argmax(logits(0.0, 0.0, 10.0), want, torch.float32)  # far below the best
    apart = 2 * tie_margin(torch.bfloat16, "cpu") * 10  # logits still within the whole forward's tolerance
    assert within(logits(10.0 - apart, 10.0, 0.0), logits(10.0, 10.0 - apart, 0.0), torch.bfloat16, whole=True)
    assert not same_argmax(logits(10.0 - apart, 10.0, 0.0), logits(10.0, 10.0 - apart, 0.0), torch.bfloat16)
    assert not same_argmax(logits(5.0, 5.0001, 0.0), want, torch.float32)  # a tie, but the logits are far off


def test_tensors_of_different_shapes_are_never_within():
    got, want = torch.zeros(2, 3), torch.zeros(3)
    err, scale = gap(got, want)
    assert math.isnan(err) and scale == 0.0
    assert not within(got, want, torch.float32)


def test_the_verdict_gives_the_error_the_scale_and_the_rule():
    text = verdict(torch.tensor([1.0, 2.5]), torch.tensor([1.0, 2.0]), torch.bfloat16)
    assert text == "Largest error 0.5 where the values reach 2; tolerance 0.0625 (2^-5 of that: bfloat16 on cpu)."


def test_mismatch_names_the_place_the_mistake_and_what_matched_before():
    with pytest.raises(pytest.fail.Exception) as failed:
        mismatch("f(x)   # case", torch.ones(2), torch.zeros(2), torch.float32, "g(x)", "layer 1, MLP", "gelu.",
                 ok=["embedding", "layer 0"])
    message = str(failed.value)
    assert message.startswith("f(x)   # case\n  returned: a tensor of shape [2] (float32, on cpu)\n  expected: g(x)\n")
    assert "likely mistake: first difference at layer 1, MLP: gelu. Largest error 1 " in message
    assert message.endswith(" Everything before it matches: embedding, layer 0.")
