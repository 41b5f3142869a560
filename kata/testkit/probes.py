"""What graded tests use to watch a model and to compute live references.

- ``ForwardRecorder``: every forward pass of the model, seen at its embedding layer (the ids,
  how many positions per sequence, whether gradients were on). It counts what a cache saves.
- ``greedy_reference``: transformers' own greedy decoding (``model.generate``) on the same
  model, computed once per session for each input and reused.
- ``eos_ids``: any eos setting (None, an int, a list, a model) as a list of ids.
- ``divergence``: where a decoded sequence parts from the reference, which token was expected
  and which came, and how close the model's two best scores were there: a learner can tell a
  real bug from a near tie that rounding may flip.
- ``float32_copy``: a float32 copy of the model, where a batched pass and a single one pick the
  same tokens, so that tokens can be compared one for one (no near tie to excuse).
- ``PositionRecorder``: the position ids every forward pass used, given or defaulted.

Every test folder uses these instead of growing its own.
"""

from __future__ import annotations

import copy
import weakref
from dataclasses import dataclass

import torch

from kata.course.texts import EVERYDAY_PROMPTS, PENALTY_PROMPT, notebook_chat
from kata.i18n import t

# --- recording forward passes -------------------------------------------------------------------


@dataclass(frozen=True)
class ForwardCall:
    ids: torch.Tensor  # [batch, positions] as the embedding layer received them (on the CPU)
    grad_enabled: bool

    @property
    def batch(self) -> int:
        return self.ids.shape[0]

    @property
    def positions(self) -> int:
        """Positions per sequence that went through the model in this call."""
        return self.ids.shape[-1]

    def row(self, i: int = 0) -> list[int]:
        return self.ids[i].tolist()


class ForwardRecorder:
    """``with ForwardRecorder(model) as seen: ...`` records every forward pass of ``model``.

    Counted at ``model.model.embed_tokens``, which every forward pass starts with, so a forward
    of ``model``, of ``model.model`` and a ``generate`` step each count once.
    """

    def __init__(self, model):
        self.model = model
        self.calls: list[ForwardCall] = []
        self._handle = None

    def _record(self, _module, args) -> None:
        ids = args[0].detach()
        self.calls.append(ForwardCall(ids.reshape(-1, ids.shape[-1]).cpu(), torch.is_grad_enabled()))

    def __enter__(self) -> ForwardRecorder:
        self._handle = self.model.model.embed_tokens.register_forward_pre_hook(self._record)
        return self

    def __exit__(self, *exc) -> bool:
        self._handle.remove()
        return False

    @property
    def positions(self) -> list[int]:
        """Positions per sequence of each call, in order: [T, 1, 1, ...] for a cached loop."""
        return [c.positions for c in self.calls]

    @property
    def first(self) -> ForwardCall | None:
        return self.calls[0] if self.calls else None


def input_of(module, run):
    """The first argument ``module`` received, the last time it ran during ``run()``, or None."""
    seen = []
    handle = module.register_forward_pre_hook(lambda _module, args: seen.append(args[0]))
    try:
        run()
    finally:
        handle.remove()
    return seen[-1] if seen else None


class PositionRecorder:
    """``with PositionRecorder(model) as seen: ...``: the position ids of every forward pass, as
    the rotary embedding received them (the caller's, or transformers' default when none were
    passed), as [rows, positions] on the CPU. Records nothing on a model without ``rotary_emb``."""

    def __init__(self, model):
        self.module = getattr(model.model, "rotary_emb", None)
        self.passes: list[torch.Tensor] = []
        self._handle = None

    def _record(self, _module, args, kwargs) -> None:
        positions = kwargs.get("position_ids", args[1] if len(args) > 1 else None)
        if positions is not None:
            self.passes.append(positions.detach().reshape(-1, positions.shape[-1]).cpu())

    def __enter__(self) -> PositionRecorder:
        if self.module is not None:
            self._handle = self.module.register_forward_pre_hook(self._record, with_kwargs=True)
        return self

    def __exit__(self, *exc) -> bool:
        if self._handle is not None:
            self._handle.remove()
        return False


def float32_copy(model):
    """A float32 copy of ``model``; the shared model is left as it is.

    In bf16 a batched pass and a single one round differently (8 bits of mantissa), so where the
    two best scores are within a rounding step they may pick different tokens. In float32 they
    agree to about 1e-6: a token that differs there is a real difference, not rounding.
    """
    return copy.deepcopy(model).float()


def full_size(model) -> bool:
    """True for models of 100M parameters or more (the real checkpoint, a `shape:` model): each pass costs
    enough there that graded tests make fewer of them. The stand-in is far smaller."""
    return sum(p.numel() for p in model.parameters()) >= 1e8


def first_layers_copy(model, layers: int = 1):
    """A copy of ``model`` with only its first decoder layers, the same embedding and head: a draft
    model for speculative decoding, cheaper than its target and wrong often enough to be rejected."""
    later = {id(layer): layer for layer in model.model.layers[layers:]}  # left out of the copy, so never copied
    draft = copy.deepcopy(model, memo=dict(later))
    draft.model.layers = draft.model.layers[:layers]
    draft.config.num_hidden_layers = layers
    if getattr(draft.config, "layer_types", None):
        draft.config.layer_types = draft.config.layer_types[:layers]
    return draft


def twin(model):
    """A second model object over the same weights (nothing copied): a draft identical to its target whose
    passes hooks can still tell apart from the target's."""
    shared = {id(tensor): tensor for tensor in (*model.parameters(), *model.buffers())}
    return copy.deepcopy(model, memo=shared)


# --- batches of prompts ------------------------------------------------------------------------


def batch_prompts(tokenizer) -> list[str]:
    """Prompts of different lengths, for batching: four plain ones and the notebook's
    chat-templated question (from 4 to 40-odd tokens)."""
    chat = tokenizer.apply_chat_template(notebook_chat(), add_generation_prompt=True, tokenize=False)
    return [*EVERYDAY_PROMPTS, PENALTY_PROMPT, chat]


def padded_batch(tokenizer, prompts, side, device="cpu"):
    """(input_ids, attention_mask): the tokenizer's own padded batch, the padding side chosen for
    this call only (the shared tokenizer's settings are never changed)."""
    enc = tokenizer(prompts, padding=True, padding_side=side, return_tensors="pt")
    return enc["input_ids"].to(device), enc["attention_mask"].to(device)


def mask_positions(mask: torch.Tensor) -> torch.Tensor:
    """Position ids from an attention mask: 0 at each row's first real token (1 at padding)."""
    return (mask.long().cumsum(-1) - 1).masked_fill(mask == 0, 1)


def pick_batch_eos(natural: list[list[int]], special: set[int]) -> int:
    """A token of a batch's own greedy continuation (``natural``, one list per row) that ends one
    row early (at new token 1 if possible) while another row goes on at least two steps more, so
    that the finished row is fed padding. Preferred: a plain token, after which the row would have
    gone on with more text (not with special tokens)."""
    found = []
    for order, k in enumerate((1, 0, 2)):
        for r, row in enumerate(natural):
            others_go_on = any(row[k] not in other[:k + 2] for j, other in enumerate(natural) if j != r)
            if row[k] not in row[:k] and others_go_on:
                found.append((row[k] in special, row[k + 1] in special, order, r, row[k]))
    return min(found)[-1] if found else natural[0][0]


# --- eos ids ------------------------------------------------------------------------------------


def eos_ids(value) -> list[int]:
    """None, an int, a list of ints, or a model (its generation config's eos) -> a list of ids."""
    if hasattr(value, "generation_config"):
        value = value.generation_config.eos_token_id
    if value is None:
        return []
    if isinstance(value, int):
        return [value]
    if isinstance(value, torch.Tensor):
        return value.flatten().tolist()
    return list(value)


# --- transformers' greedy decoding, live ----------------------------------------------------------

MODEL_EOS = "model"  # greedy_reference's default: stop at the model's own eos ids

_greedy_runs: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def greedy_reference(
    model,
    input_ids: torch.Tensor,
    max_new_tokens: int,
    *,
    attention_mask: torch.Tensor | None = None,
    use_cache: bool = True,
    repetition_penalty: float | None = 1.0,
    eos_token_id=MODEL_EOS,
) -> torch.Tensor:
    """The new ids ``[batch, n]`` of ``model.generate(do_sample=False, ...)``.

    ``repetition_penalty=1.0`` (the default) is the plain argmax loop; ``None`` keeps the
    checkpoint's own (1.1 on Qwen2.5). ``eos_token_id=None`` never stops early. Greedy decoding
    is deterministic, so the first n ids of a longer run are the run of n: each input is
    generated once per model, at the longest length asked.
    """
    flags = dict(do_sample=False, use_cache=use_cache, temperature=None, top_p=None, top_k=None)
    if repetition_penalty is not None:
        flags["repetition_penalty"] = repetition_penalty
    if eos_token_id != MODEL_EOS:
        flags["eos_token_id"] = eos_token_id
    mask = torch.ones_like(input_ids) if attention_mask is None else attention_mask
    key = (
        tuple(map(tuple, input_ids.tolist())),
        tuple(map(tuple, mask.tolist())),
        repr(sorted(flags.items())),
    )
    runs = _greedy_runs.setdefault(model, {})
    longest, new_ids = runs.get(key, (0, None))
    finished_early = new_ids is not None and new_ids.shape[1] < longest
    if max_new_tokens > longest and not finished_early:
        with torch.no_grad():
            out = model.generate(input_ids, attention_mask=mask, max_new_tokens=max_new_tokens, **flags)
        new_ids = out[:, input_ids.shape[1]:].clone()
        runs[key] = (max_new_tokens, new_ids)
    return new_ids[:, :max_new_tokens]


# --- where two token sequences part ------------------------------------------------------------


def first_difference(got: list[int], expected: list[int]) -> int | None:
    """The index of the first id that differs (or where one sequence ends first), or None."""
    for i, (a, b) in enumerate(zip(got, expected)):
        if a != b:
            return i
    return None if len(got) == len(expected) else min(len(got), len(expected))


def near_tie(scores: torch.Tensor, token: int | None = None) -> bool:
    """The two best scores (or the best and ``token``'s) so close that rounding may swap them:
    within 5% of the best score (bf16 keeps 8 bits of mantissa; a batch or kernel change moves
    scores by about 1-2%)."""
    best, second = torch.topk(scores.float(), 2).values.tolist()
    other = second if token is None else scores[token].item()
    return best - other < 0.05 * max(abs(best), 1.0)


def token_text(tokenizer, token_id: int) -> str:
    return f"{tokenizer.decode([token_id])!r} (id {token_id})"


def divergence(model, tokenizer, prompt_ids: torch.Tensor, got: list[int], expected: list[int]) -> str | None:
    """Say where ``got`` parts from ``expected`` (the new ids after ``prompt_ids`` [1, T]).

    At that step the model's own scores are computed on the expected prefix, so the message can
    tell a real bug (a clear margin) from a near tie that rounding may flip.
    """
    step = first_difference(got, expected)
    if step is None:
        return None
    if step >= len(got):
        return t("your sequence stops after {n} new token(s); the reference goes on with {token}.", n=len(got),
                 token=token_text(tokenizer, expected[step]))
    if step >= len(expected):
        return t("the reference stops after {n} new token(s); yours goes on with {token}.", n=len(expected),
                 token=token_text(tokenizer, got[step]))
    prefix = torch.cat([prompt_ids[:1], torch.tensor([expected[:step]], device=prompt_ids.device, dtype=prompt_ids.dtype)], 1)
    with torch.no_grad():
        scores = model(prefix).logits[0, -1].float()
    best, second = torch.topk(scores, 2).values.tolist()
    margin = best - second
    yours = scores[got[step]].item() if 0 <= got[step] < scores.numel() else float("nan")
    tie = (t(" That is a near tie: rounding (bf16, another kernel or batch) can flip it.") if near_tie(scores)
           else t(" The margin is clear: this is not rounding."))
    return t("the sequences part at new token {step}: expected {expected}, got {got}. There the model's two best "
             "scores were {best:.4g} and {second:.4g} (margin {margin:.3g}); your token's score was {yours:.4g}.{tie}",
             step=step, expected=token_text(tokenizer, expected[step]), got=token_text(tokenizer, got[step]),
             best=best, second=second, margin=margin, yours=yours, tie=tie)


def short_list(values: list, keep: int = 8) -> str:
    """[1, 2, 3, ... (40 in all)]: a long list, cut for a message."""
    if len(values) <= keep:
        return str(values)
    return "[" + ", ".join(map(str, values[:keep])) + t(", ... ({n} in all)]", n=len(values))
