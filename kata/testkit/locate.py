"""Where a forward pass rebuilt from the weights first differs from the model's own (Qwen2's layout).

The model's side: ``model_values`` runs the model once with forward hooks (kata.testkit.watch_calls.record)
and keeps its value at each place: the embedding, rotary cos/sin, every decoder layer's parts
(``LAYER_PARTS``, from ``layer_parts``), the final norm's input and output, the logits.

The learner's side: a ``kata.testkit.watch_calls.Traced`` learner function. What it passed to its own
pieces shows its value at each place. The caller names the pieces (``Roles``); they are called as
norm(x, weight, eps), attention(layer, hidden, cos, sin), mlp(layer, x) and
layer(layer, hidden, cos, sin), the learner's decoder layer.

``locate_in_layer`` and ``locate_forward`` walk the places in the model's order and return the
first that differs, with what matched before it; the caller words the hints. When every piece
matches on the model's own values but the forward does not, ``drift`` finds where the learner's
chain of layers strays. ``suspected`` names which known wrong version of a module gives a value
(``no_biases``, ``tiled_kv_heads``, ``swapped_gate_up`` make some); ``rotated_wrongly`` tells whether the
rotary function a traced attention ran is itself wrong. ``part_name`` and ``part_place`` word a part for
the learner.
"""

from __future__ import annotations

import copy
from typing import NamedTuple

import torch
from transformers.models.qwen2 import modeling_qwen2

from kata.i18n import t
from kata.testkit.tolerance import listed, within
from kata.testkit.watch_calls import Traced, record

LAYER_PARTS = ("input norm", "attention", "attention residual", "post-attention norm", "MLP", "MLP residual")


def part_name(part: str) -> str:
    """One of LAYER_PARTS (the keys of the values) as the learner reads it, in their language."""
    return {"input norm": t("input norm"), "attention": t("attention"), "attention residual": t("attention residual"),
            "post-attention norm": t("post-attention norm"), "MLP": t("MLP"), "MLP residual": t("MLP residual")}[part]


def part_place(where: str, part: str) -> str:
    """A part (LAYER_PARTS) of the layer or case ``where``, as the learner reads it: "layer 3, MLP"."""
    return {"input norm": t("{where}, input norm", where=where), "attention": t("{where}, attention", where=where),
            "attention residual": t("{where}, attention residual", where=where),
            "post-attention norm": t("{where}, post-attention norm", where=where),
            "MLP": t("{where}, MLP", where=where), "MLP residual": t("{where}, MLP residual", where=where)}[part]


class Roles(NamedTuple):
    """The names of the learner's functions that rebuild a forward, by the part each computes."""

    norm: str
    attention: str
    mlp: str
    layer: str


# --- the model's own values ---------------------------------------------------------------------


def layer_modules(i, layer) -> dict:
    """The modules of decoder layer i to record, keyed (i, what)."""
    return {(i, "layer"): layer, (i, "n1"): layer.input_layernorm, (i, "attn"): layer.self_attn,
            (i, "n2"): layer.post_attention_layernorm, (i, "mlp"): layer.mlp}


def layer_parts(seen, i) -> dict:
    """The model's value at each part of layer i, from what record() saw of layer_modules(i, ...).

    "x" is the layer's input.
    """
    return {"x": seen[i, "layer"][0], "input norm": seen[i, "n1"][1], "attention": seen[i, "attn"][1][0],
            "attention residual": seen[i, "n2"][0], "post-attention norm": seen[i, "n2"][1],
            "MLP": seen[i, "mlp"][1], "MLP residual": seen[i, "layer"][1]}


def model_values(model, ids) -> dict:
    """model(ids) with hooks: logits, embedding, rotary (cos, sin), final_in / final (the final norm's input
    and output) and layers (each layer's parts, layer_parts)."""
    body = model.model
    named = {"embedding": body.embed_tokens, "rotary": body.rotary_emb, "final": body.norm}
    for i, layer in enumerate(body.layers):
        named.update(layer_modules(i, layer))
    out, seen = record(lambda: model(ids), named)
    return dict(logits=out.logits, embedding=seen["embedding"][1], rotary=seen["rotary"][1],
                final_in=seen["final"][0], final=seen["final"][1],
                layers=[layer_parts(seen, i) for i in range(len(body.layers))])


# --- which known wrong version gives this value -------------------------------------------------


def suspected(got, dtype, module, changes, run, otherwise):
    """The explanation of the first change to a float32 copy of `module` that gives `got`, else `otherwise`.

    ``changes``: (change(copy), explanation) pairs; ``run(copy)`` computes the copy's output.
    """
    for change, why in changes:
        with torch.no_grad():
            m = copy.deepcopy(module).float()
            change(m)
            if within(got, run(m), dtype):
                return why
    return otherwise


def no_biases(a):
    """Attention without its q/k/v biases."""
    for proj in (a.q_proj, a.k_proj, a.v_proj):
        proj.bias.zero_()


def tiled_kv_heads(a):
    """Reorder the query heads so that the module pairs them with kv heads as .repeat would: h -> h % kv_heads."""
    heads, kv = a.q_proj.out_features // a.head_dim, a.k_proj.out_features // a.head_dim
    order = sorted(range(heads), key=lambda h: h % kv)  # stable: position p now reads kv head p // (heads // kv)
    a.q_proj.weight.data = a.q_proj.weight.data.view(heads, -1, a.q_proj.in_features)[order].flatten(0, 1)
    a.q_proj.bias.data = a.q_proj.bias.data.view(heads, -1)[order].flatten()
    a.o_proj.weight.data = a.o_proj.weight.data.view(a.o_proj.out_features, heads, -1)[:, order].flatten(1)


def swapped_gate_up(m):
    """An MLP whose gate and up projections trade places."""
    m.gate_proj, m.up_proj = m.up_proj, m.gate_proj


def rotated_wrongly(traced, name, cos, sin) -> bool:
    """Whether a call to the rotary function ``name`` seen by ``traced``, given these cos and sin as they are, returned
    something else than transformers' apply_rotary_pos_emb on its q and k (so that function is wrong, not its caller)."""
    for args, result in traced.find(name):
        q, k, c, s = (list(args) + [None] * 4)[:4]
        if not all(isinstance(v, torch.Tensor) for v in (q, k, c, s)) or q.dim() != 4 or c.shape != cos.shape \
                or s.shape != sin.shape or not (torch.equal(c, cos) and torch.equal(s, sin)):
            continue  # not the layer's own cos and sin: the caller may be what is wrong
        with torch.no_grad():
            want = modeling_qwen2.apply_rotary_pos_emb(q, k, cos, sin)
        if not (isinstance(result, (tuple, list)) and len(result) == 2 and all(
                isinstance(r, torch.Tensor) and within(r, w, q.dtype) for r, w in zip(result, want))):
            return True
    return False


# --- the first place that differs ---------------------------------------------------------------


def locate_in_layer(traced, roles, layer, parts, out, dtype):
    """(part, got, want, parts that matched) where a traced decoder layer first differs, from what it passed
    on; (None, None, None, matched) when every part it showed matches. ``out``: what it returned."""
    attn, mlp = traced.find(roles.attention, layer), traced.find(roles.mlp, layer)
    norm2 = traced.find(roles.norm, second=layer.post_attention_layernorm.weight)
    got = {"input norm": attn and attn[0][0][1], "attention": attn and attn[0][1],
           "attention residual": norm2 and norm2[0][0][0], "post-attention norm": mlp and mlp[0][0][1],
           "MLP": mlp and mlp[0][1], "MLP residual": out}
    ok = []
    for part in LAYER_PARTS:
        if isinstance(got[part], torch.Tensor):  # else not seen: the decoder layer did not call that piece
            if not within(got[part], parts[part], dtype):
                return part, got[part], parts[part], ok
            ok.append(part)
    return None, None, None, ok


def matched(layers_ok, i=None, parts=()):
    """The places of a forward that matched: the embedding, rotary, the first layers_ok layers, parts of layer i."""
    layers = [t("layers 0-{last}", last=layers_ok - 1) if layers_ok > 1 else t("layer {i}", i=0)] * (layers_ok > 0)
    ok = [t("embedding"), t("rotary cos/sin"), *layers]
    return ok + [t("{where}: {parts}", where=t("layer {i}", i=i), parts=listed(map(part_name, parts)))] * bool(parts)


def locate_forward(traced, roles, model, cap, logits, hints, part_hint):
    """(place, got, want, hint, places that matched, whole) where a traced forward first differs, or None.

    ``cap``: model_values(); ``logits``: what the forward returned. ``hints`` words the places
    "embedding", "rotary cos/sin", "final norm" and "head"; ``part_hint(part, layer, parts, got, cos, sin)``
    the parts of a layer. got is a tensor, or a sentence when there is no value to compare (want None).
    Places are worded in the learner's language; ``hints`` is keyed by the English names above.
    """
    dtype, layers, calls = cap["logits"].dtype, list(model.model.layers), traced.find(roles.layer)
    if not calls:
        return None
    ran = [next((i for i, layer in enumerate(layers) if layer is a[0]), "?") for a, _ in calls]
    if ran != list(range(len(layers))):
        return (t("the layers"), t("{fn}() ran on layers {ran}.", fn=roles.layer, ran=ran), None,
                t("run {fn}() on each of the {n} layers once, in order.", fn=roles.layer, n=len(layers)), [], False)
    x, emb = calls[0][0][1], cap["embedding"]
    if not within(x, emb, dtype):
        ratio = float((x.float() * emb.float()).sum() / emb.float().pow(2).sum())
        scaled = t(" Yours is it times {ratio:.4g}: Qwen2 does not scale it.", ratio=ratio) if within(
            x, emb * ratio, dtype) else ""
        return t("embedding"), x, emb, hints["embedding"] + scaled, [], False
    for i, (args, _) in enumerate(calls):  # every layer gets the same cos and sin
        for got, want in zip(args[2:4], cap["rotary"]):
            if not within(got, want, dtype):
                if i == 0:
                    return t("rotary cos/sin"), got, want, hints["rotary cos/sin"], [t("embedding")], False
                return t("layer {i}'s cos/sin", i=i), got, want, hints["rotary cos/sin"], matched(i), False
        if i and not torch.equal(args[1], calls[i - 1][1]):
            why = t("the next layer gets exactly what {fn}() returned: it adds its residuals itself.", fn=roles.layer)
            return t("layer {i}'s input", i=i), args[1], calls[i - 1][1], why, matched(i), False
    for i, layer in enumerate(layers):  # each of the learner's layers alone, on the model's own input to that layer
        parts, step = cap["layers"][i], Traced(traced.originals[roles.layer], traced.names)
        out = step(layer, parts["x"], *cap["rotary"])
        part, got, want, ok = locate_in_layer(step, roles, layer, parts, out, dtype)
        if part:
            hint = part_hint(part, layer, parts, got, *cap["rotary"])
            return part_place(t("layer {i}", i=i), part), got, want, hint, matched(i, i, ok), False
    last = calls[-1][1]
    with torch.no_grad():
        normed = model.model.norm(last)
        head, bare = model.lm_head(normed), model.lm_head(last)
    if within(logits, head, dtype):  # every piece is right on the model's own values: right, or the chain is not
        return None if within(logits, cap["logits"], dtype, whole=True) else drift(calls, cap, logits, dtype)
    if within(logits, bare, dtype):
        return (t("final norm"), t("Your logits are the head of the last layer's output as it is."), None,
                hints["final norm"], matched(len(layers)), True)
    end = max(k for k, (name, _, _) in enumerate(traced.calls) if name == roles.layer)
    norms = [(a, r) for name, a, r in traced.calls[end + 1:] if name == roles.norm]  # after the last layer: final
    if norms and not within(norms[0][1], normed, dtype):
        weight, own = (norms[0][0] + [None])[1], model.model.norm.weight
        hint = hints["final norm"]
        if not (isinstance(weight, torch.Tensor) and weight.shape == own.shape and torch.equal(weight, own)):
            hint = t("your final norm is given another weight than model.model.norm.weight, the final norm's own.")
        return t("final norm"), norms[0][1], normed, hint, matched(len(layers)), False
    return t("head"), logits, head, hints["head"], matched(len(layers)) + [t("final norm")] * bool(norms), False


def drift(calls, cap, logits, dtype):
    """The place, for locate_forward, where a chain of layers that are each right on the model's own input first
    strays beyond one piece's tolerance: small errors that add up, layer after layer."""
    why = t("each of your pieces matches on its own, within its tolerance (on the model's own values), but their "
            "small errors add up over the layers: look for a difference too small to fail one piece, such as a "
            "cast to a lower dtype, a different eps, or a different order of operations.")
    for i, (_, out) in enumerate(calls):
        want = cap["layers"][i]["MLP residual"]
        if not within(out, want, dtype):
            return t("layer {i}'s output", i=i), out, want, why, matched(i), False
    return t("the logits"), logits, cap["logits"], why, matched(len(calls)), True
