"""Graded tests for 09_inside. Run: pytest exercises/09_inside

Each function is compared, live, with the model's own module on the same input, so the tests are
right for the real Qwen2.5 and for the offline stand-in alike. While your code runs, the tests
watch the model's composite modules (forward pre-hooks, removed as soon as your code returns) and
transformers' own Qwen2 functions: your code must rebuild them, not call them. When forward() or
decoder_layer() is off, the tests run your pieces one by one on the model's own intermediate
values (captured with forward hooks) and name the first place that differs. Please do not edit
this file. (The watching is kata/testkit/watch_calls.py, the locating kata/testkit/locate.py, the tolerances
kata/testkit/tolerance.py.)
"""

import copy
import re

import pytest
import torch
from torch import nn
from transformers.masking_utils import create_causal_mask
from transformers.models.qwen2 import modeling_qwen2

from kata.core.hfutil import dtype_name
from kata.course.texts import TYPO_PROMPT
from kata.i18n import t
from kata.testkit import locate, watch_calls
from kata.testkit.checks import describe, expect_shape, expect_tensor, fail
from kata.testkit.locate import (
    Roles,
    layer_modules,
    layer_parts,
    locate_forward,
    locate_in_layer,
    model_values,
    suspected,
)
from kata.testkit.tolerance import listed, mismatch, same_argmax, verdict, within

# The functions forward is built from: when one fails its own test, its failure explains forward's.
PIECES = ("rms_norm", "rotary_cos_sin", "apply_rotary", "mlp", "attention", "decoder_layer")

# Your functions. decoder_layer() and forward() are traced through their calls to them (watch_calls.Traced),
# and ROLES says which computes what, for kata.testkit.locate to find the first place that differs.
PIECES = ("rms_norm", "rotary_cos_sin", "apply_rotary", "mlp", "attention", "decoder_layer")
ROLES = Roles(norm="rms_norm", attention="attention", mlp="mlp", layer="decoder_layer")


def hints():
    """What to check at each place of the forward (keyed by kata.testkit.locate's English names), in the learner's language."""
    return {
        "embedding": t("the hidden state entering layer 0 is model.model.embed_tokens(input_ids), a plain row lookup."),
        "rotary cos/sin": t("every layer gets the cos and sin of positions 0..T-1 (rotary_cos_sin), computed once."),
        "input norm": t("attention() gets rms_norm(hidden, layer.input_layernorm.weight, eps): see rms_norm's own "
                        "tests."),
        "attention": t("see attention's own tests."),
        "attention residual": t("add the layer's input back, h = hidden + attention(...), and normalise that sum "
                                "next."),
        "post-attention norm": t("mlp() gets rms_norm(h, layer.post_attention_layernorm.weight, eps), its own "
                                 "weight."),
        "MLP": t("see mlp's own tests."),
        "MLP residual": t("the layer returns h + mlp(...): add the un-normalised stream h back."),
        "final norm": t("after the last layer comes model.model.norm: rms_norm with model.model.norm.weight."),
        "head": t("logits = model.lm_head(final hidden state): tied, the same matrix as "
                  "model.model.embed_tokens.weight."),
    }


def call(fn, label, roots, *args):
    """fn(*args), failing if it ran a composite module of `roots` ({module: name}) or transformers' Qwen2 code."""
    return watch_calls.call(fn, label, roots, *args, error_hint=t(
        "print the shape of each step. q is [batch, heads, T, head_dim]; k and v have only kv_heads heads "
        "(repeat_interleave them to match q); cos and sin [batch, T, head_dim] need unsqueeze(1) to broadcast over "
        "the heads."))


def expect_like(value, want, label, what):
    """A tensor of want's shape and dtype (the next step multiplies it with weights of that dtype)."""
    value = expect_tensor(value, label, t("{what}, shape {shape}", what=what, shape=list(want.shape)))
    expect_shape(value, want.shape, label, what)
    if value.dtype != want.dtype:
        fail(label, describe(value), t("{what} in {dtype}, like the model's", what=what, dtype=dtype_name(want.dtype)),
             t("cast back to the input's dtype at the end (.to(x.dtype)), as the model does."))
    return value


# --- the model's own intermediate values ---------------------------------------------------------

_captured: dict = {}


def captured(model, tokenizer):
    """model(TYPO_PROMPT's ids), once per model: ids, logits, embedding, (cos, sin), final norm, layers' parts."""
    if _captured.get("model") is not model:
        ids = tokenizer(TYPO_PROMPT, return_tensors="pt").input_ids.to(model.device)
        _captured.clear()
        _captured.update(model=model, ids=ids, **model_values(model, ids))
    return _captured


def causal_mask(config, hidden):
    """The causal mask the model builds for its backend, always materialised (with None only sdpa is causal)."""
    return create_causal_mask(config=config, inputs_embeds=hidden, attention_mask=None, cache=None,
                              allow_is_causal_skip=False)


def float32_case(model, tokenizer):
    """A float32 copy of layer 0; a batch of two (the prompt's layer-0 input, and reversed) at other positions."""
    layer, x = copy.deepcopy(model.model.layers[0]).float(), captured(model, tokenizer)["layers"][0]["x"].float()
    x, T = torch.cat([x, x.flip(1)]), x.shape[1]
    with torch.no_grad():
        cos, sin = model.model.rotary_emb(x, torch.stack([torch.arange(T), torch.arange(T) * 7 + 100]).to(x.device))
    return layer, x, cos, sin


def layer_cases(case, model, tokenizer):
    """[(where, layer, the model's parts of that layer, cos, sin, modules to watch)] for one test case."""
    if case == "float32_batch_of_two":
        layer, x, cos, sin = float32_case(model, tokenizer)
        kwargs = {"attention_mask": causal_mask(model.config, x), "position_embeddings": (cos, sin)}
        _, seen = watch_calls.record(lambda: layer(x, **kwargs), layer_modules(0, layer))  # as the model calls it
        return [(t("a float32 copy of layer 0, batch of two"), layer, layer_parts(seen, 0), cos, sin,
                 {model: "model", layer: "layer"})]
    cap = captured(model, tokenizer)
    return [(t("layer {i}", i=i), layer, cap["layers"][i], *cap["rotary"], {model: "model"})
            for i, layer in enumerate(model.model.layers)]


# --- task 1: rms_norm ------------------------------------------------------------------------------

RMS_CASES = {  # case: (x, made from the prompt's input to layer 0's input norm; weight in float32?)
    "model_dtype": (lambda x: x, False),
    "float32": (lambda x: x.float(), False),
    "float32_weight": (lambda x: x, True),
    "float16_large": (lambda x: (x.float() * 1000 / x.abs().max()).half(), False),
    "float32_tiny": (lambda x: x.float() * 1e-4 / x.float().pow(2).mean(-1, keepdim=True).sqrt(), False),
}


def rms_words(case):
    """(what x is, the hint) of an rms_norm case."""
    hint = t("x / sqrt(mean(x²) + eps), the mean over the last (hidden) axis, times the weight.")
    return {"model_dtype": (t("x: its own input"), hint), "float32": (t("x: its input in float32"), hint),
            "float32_weight": (t("x: its input, the weight in float32"), hint),
            "float16_large": (t("x in float16 with values up to 1000"), t(
                "x² overflows float16 above |x| = 256: square and average in float32, cast back last.")),
            "float32_tiny": (t("x in float32 with a root mean square of 1e-4"), t(
                "when mean(x²) is as small as eps, eps decides: x / sqrt(mean(x²) + eps), eps inside the root.")),
            }[case]


@pytest.mark.task("rms_norm")
@pytest.mark.parametrize("case", list(RMS_CASES))
def test_rms_norm_equals_the_models_norm(impl, model, tokenizer, case):
    (make, float_weight), (what, hint) = RMS_CASES[case], rms_words(case)
    cap, n = captured(model, tokenizer), len(model.model.layers)
    where = locate.part_place(t("layer {i}", i=0), "input norm")
    norms = [(where, "layers.0.input_layernorm", make(cap["layers"][0]["x"]))]
    if case == "model_dtype":  # every norm of the model, on its own input
        norms = [(locate.part_place(t("layer {i}", i=i), part), f"layers.{i}.{attr}", cap["layers"][i][key])
                 for i in range(n) for part, attr, key in (("input norm", "input_layernorm", "x"), (
                     "post-attention norm", "post_attention_layernorm", "attention residual"))]
        norms.append((t("final norm"), "norm", cap["final_in"]))
    for where, path, x in norms:
        norm, path = model.model.get_submodule(path), re.sub(r"\.(\d+)", r"[\1]", f"model.model.{path}")
        norm = copy.deepcopy(norm).float() if float_weight else norm
        with torch.no_grad():
            want = norm(x)
        label = t("rms_norm(x, weight, eps)   # {where}, {what}; weight: {path}.weight, eps={eps}", where=where,
                  what=what, path=path, eps=norm.variance_epsilon)
        got = call(impl.rms_norm, label, {model: "model"}, x, norm.weight, norm.variance_epsilon)
        got = expect_tensor(got, label, t("a tensor like x, shape {shape}", shape=list(x.shape)))
        expect_shape(got, want.shape, label, t("one normalised vector per position, like x"))
        if got.dtype != want.dtype:
            fail(label, describe(got), t("{dtype}, as {path}(x) returns", dtype=dtype_name(want.dtype), path=path),
                 t("first difference at {place}: Qwen2RMSNorm computes in float32, casts the normalised x back to "
                   "x's dtype, THEN multiplies by the weight; the result has the dtype of x times the weight.",
                   place=where))
        if not within(got, want, x.dtype):
            mismatch(label, got, want, x.dtype, f"{path}(x)", where, hint)


# --- task 2: rotary_cos_sin ------------------------------------------------------------------------

ROTARY_CASES = {  # case: (positions, dtype (None: the model's), a config that sets head_dim?)
    "prompt_positions": ([[0, 1, 2, 3, 4, 5]], None, False),
    "non_contiguous_float32": ([[0, 3, 7, 100, 4096, 30000]], torch.float32, False),
    "batch_of_two": ([[0, 1, 2, 3, 4, 5], [2, 4, 8, 16, 32, 64]], None, False),
    "config_sets_head_dim": ([[0, 1, 2, 3, 4, 5]], None, True),
}


def rotary_config(model, set_head_dim):
    """(config, its rotary module): the model's, or a copy whose config sets head_dim to something else than
    hidden_size // num_attention_heads, as some models' configs do."""
    config, rotary = model.config, model.model.rotary_emb
    if set_head_dim:
        config = copy.deepcopy(config)
        config.head_dim = config.hidden_size // config.num_attention_heads + 8
        rotary = type(rotary)(config).to(model.device)
    return config, rotary


@pytest.mark.task("rotary_cos_sin")
@pytest.mark.parametrize("case", list(ROTARY_CASES))
def test_rotary_cos_sin_equals_rotary_emb(impl, model, case):
    positions, dtype, set_head_dim = ROTARY_CASES[case]
    (config, rotary), dtype, device = rotary_config(model, set_head_dim), dtype or model.dtype, model.device
    default = config.hidden_size // config.num_attention_heads
    position_ids = torch.tensor(positions, device=device)
    label = f"rotary_cos_sin(model.config, position_ids, {dtype}, device)   # position_ids={positions}"
    if set_head_dim:
        label = t("rotary_cos_sin(config, position_ids, {dtype}, device)   # config: model.config with head_dim = "
                  "{n} (hidden_size // num_attention_heads = {default}); position_ids={positions}", dtype=dtype,
                  n=config.head_dim, default=default, positions=positions)
    result = call(impl.rotary_cos_sin, label, {model: "model"}, config, position_ids, dtype, device)
    with torch.no_grad():
        want = rotary(torch.empty(0, dtype=dtype, device=device), position_ids)
        other = copy.deepcopy(config)
        other.rope_parameters = {**config.rope_parameters, "rope_theta": 10000.0}
        base_1e4, shifted = type(rotary)(other).to(device)(want[0], position_ids), rotary(want[0], position_ids + 1)
    if not isinstance(result, (tuple, list)) or len(result) != 2:
        fail(label, describe(result), t("a pair (cos, sin)"), t("return both: `return cos, sin`."))
    half = want[0].shape[-1] // 2
    for k, (name, got, ref) in enumerate(zip(("cos", "sin"), result, want)):
        where = f"{label}  -> {name}"
        got = expect_tensor(got, where, t("a tensor [batch, T, head_dim], {dtype}", dtype=dtype_name(dtype)))
        expect_shape(got, ref.shape, where, "[batch, T, head_dim]", {
            (*ref.shape[:-1], half): t("one angle per PAIR of dimensions: both halves get them, torch.cat((a, a), "
                                       "-1)."),
            tuple(ref.shape[1:]): t("keep the batch axis: position_ids is [batch, T], cos and sin [batch, T, "
                                    "head_dim]."),
            (*ref.shape[:-1], config.hidden_size // config.num_key_value_heads):
            t("head_dim is hidden_size // num_attention_heads (or config.head_dim when set), not per kv head."),
            **({(*ref.shape[:-1], default): t(
                "this config sets head_dim = {n}: use config.head_dim when the config has it (getattr(config, "
                "'head_dim', None)), hidden_size // num_attention_heads only when it does not.", n=ref.shape[-1])
                } if set_head_dim else {})})
        if got.dtype != dtype or got.device.type != device.type:
            fail(where, describe(got), t("{dtype}, on {device}", dtype=dtype_name(dtype), device=device.type),
                 t("compute in float32, cast with .to(dtype) at the end, and build the tensors on `device`."))
        if not within(got, ref, dtype):
            mistake = next((why for wrong, why in (
                (base_1e4[k], t("the base is config.rope_parameters['rope_theta'] (1e6 for Qwen2.5), not 10000.")),
                (shifted[k], t("the positions are off by one: use position_ids as they are (the first token is 0).")),
                (ref[..., :half].repeat_interleave(2, dim=-1), t("angle i belongs to dimensions i and i + "
                 "head_dim/2: torch.cat((angles, angles), -1), not repeat_interleave (that pairs neighbours)."))) if
                within(got, wrong, dtype)), t("angle = position * base^(-2i/head_dim) for i < head_dim/2, base = "
                "config.rope_parameters['rope_theta'], in float32, cast to dtype at the end."))
            mismatch(where, got, ref, dtype, t("model.model.rotary_emb(x, position_ids)'s {name}", name=name),
                     t("rotary cos/sin ({name})", name=name), mistake)


# --- task 3: apply_rotary --------------------------------------------------------------------------


@pytest.mark.task("apply_rotary")
@pytest.mark.parametrize("case", ["layer0_prompt", "float32_batch_of_two"])
def test_apply_rotary_equals_apply_rotary_pos_emb(impl, model, tokenizer, case):
    if case == "layer0_prompt":
        cap, attn = captured(model, tokenizer), model.model.layers[0].self_attn
        x, (cos, sin) = cap["layers"][0]["input norm"], cap["rotary"]
        where = t("layer 0, attention (rotary on q and k)")
    else:
        layer, x, cos, sin = float32_case(model, tokenizer)
        attn, where = layer.self_attn, t("a float32 batch of two, at different positions")
    with torch.no_grad():
        q, k = (proj(x).view(*x.shape[:2], -1, attn.head_dim).transpose(1, 2) for proj in (attn.q_proj, attn.k_proj))
        want = modeling_qwen2.apply_rotary_pos_emb(q, k, cos, sin)
        flipped = modeling_qwen2.apply_rotary_pos_emb(q, k, cos, -sin)
    label = f"apply_rotary(q, k, cos, sin)   # {where}; q {list(q.shape)}, k {list(k.shape)}, cos {list(cos.shape)}"
    result = call(impl.apply_rotary, label, {model: "model"}, q, k, cos, sin)
    if not isinstance(result, (tuple, list)) or len(result) != 2:
        fail(label, describe(result), t("a pair (q rotated, k rotated)"), t("return both: `return q_embed, k_embed`."))
    for name, got, ref, wrong, plain in zip("qk", result, want, flipped, (q, k)):
        got = expect_like(got, ref, f"{label}  -> {name}", t("{name} rotated, like {name}", name=name))
        if not within(got, ref, q.dtype):
            mistake = (t("rotate_half's sign is flipped: rotate_half(x) = cat(-x2, x1), then x*cos + "
                         "rotate_half(x)*sin.") if within(got, wrong, q.dtype)
                       else t("{name} came back unrotated.", name=name) if within(got, plain, q.dtype)
                       else t("cos and sin [batch, T, head_dim] need unsqueeze(1) to broadcast over the heads; the "
                              "pairs are (x[i], x[i + head_dim/2]), not neighbours: rotate_half(x) = cat(-x2, x1) of "
                              "the halves."))
            mismatch(f"{label}  -> {name}", got, ref, q.dtype,
                     t("apply_rotary_pos_emb(q, k, cos, sin)'s {name}", name=name), where, mistake)


# --- task 4: mlp -----------------------------------------------------------------------------------


def mlp_suspects():
    return (
        (locate.swapped_gate_up, t("gate and up are swapped: silu goes on gate_proj(x), then times up_proj(x).")),
        (lambda m: setattr(m, "act_fn", nn.ReLU()), t("relu instead of silu: Qwen2's activation is silu, x * "
                                                      "sigmoid(x).")),
        (lambda m: setattr(m, "act_fn", nn.GELU()), t("gelu instead of silu: Qwen2's activation is silu, x * "
                                                      "sigmoid(x).")),
    )


@pytest.mark.task("mlp")
@pytest.mark.parametrize("case", ["prompt_every_layer", "float32_batch_of_two"])
def test_mlp_equals_layer_mlp(impl, model, tokenizer, case):
    for where, layer, parts, _cos, _sin, roots in layer_cases(case, model, tokenizer):
        x, want = parts["post-attention norm"], parts["MLP"]
        label = t("mlp(layer, x)   # {where}; x: the input of layer.mlp, {shape}", where=where, shape=list(x.shape))
        got = expect_like(call(impl.mlp, label, roots, layer, x), want, label, t("[batch, T, hidden], like x"))
        if not within(got, want, x.dtype):
            mistake = suspected(got, x.dtype, layer.mlp, mlp_suspects(), lambda m, x=x: m(x.float()),
                                t("down_proj(silu(gate_proj(x)) * up_proj(x))."))
            mismatch(label, got, want, x.dtype, "layer.mlp(x)", locate.part_place(where, "MLP"), mistake)


# --- task 5: attention -----------------------------------------------------------------------------


def attention_suspects():
    """(a change to a float32 copy of layer.self_attn, the mistake that gives its output)."""
    return (
        (lambda a: setattr(a, "scaling", 1.0), t("no 1/sqrt(head_dim) scaling: multiply q @ k^T by head_dim ** -0.5.")),
        (lambda a: setattr(a, "is_causal", False), t("no causal mask: position t must not see the positions after it "
                                                     "(their scores are -inf before the softmax).")),
        (locate.no_biases, t("the q/k/v biases are missing: q_proj, k_proj and v_proj have one (call the Linear modules).")),
        (locate.tiled_kv_heads, t("the kv heads are repeated in the wrong order: query head h reads kv head h // (heads // "
                            "kv_heads), repeat_interleave (0,0,1,1), not repeat (0,1,0,1).")),
        (lambda a: setattr(a, "o_proj", nn.Identity()), t("o_proj is missing: the joined heads go through o_proj.")),
    )


def attention_hint():
    return t("q/k/v projections (with biases) to [batch, heads, T, head_dim]; rotary on q and k only; query head h "
             "reads kv head h // (heads // kv_heads); softmax(q k^T / sqrt(head_dim) + causal mask) @ v; heads side "
             "by side again, then o_proj.")


def rotary_first(traced, cos, sin):
    """attention()'s likely mistake when the apply_rotary it ran is itself wrong (None otherwise): fix that first."""
    return t("your apply_rotary() is wrong (see its own tests): fix it first, attention() uses it. Here it got "
             "attention()'s q and k with the layer's cos and sin, and its result differs from transformers' "
             "apply_rotary_pos_emb.") if locate.rotated_wrongly(traced, "apply_rotary", cos, sin) else None


def run_attention(attn, x, cos, sin):
    mask = causal_mask(attn.config, x) if attn.is_causal else None
    return attn(hidden_states=x, position_embeddings=(cos, sin), attention_mask=mask)[0]


@pytest.mark.task("attention", uses=("apply_rotary",))
@pytest.mark.parametrize("case", ["prompt_every_layer", "float32_batch_of_two"])
def test_attention_equals_self_attn(impl, model, tokenizer, case):
    for where, layer, parts, cos, sin, roots in layer_cases(case, model, tokenizer):
        x = parts["input norm"]
        with torch.no_grad():
            want = run_attention(layer.self_attn, x, cos, sin)
        label = t("attention(layer, hidden, cos, sin)   # {where}; hidden: the input of layer.self_attn, {shape}",
                  where=where, shape=list(x.shape))
        traced = watch_calls.Traced(impl.attention, PIECES)
        got = expect_like(call(traced, label, roots, layer, x, cos, sin), want, label, "`[batch, T, hidden]`")
        if not within(got, want, x.dtype):
            mistake = rotary_first(traced, cos, sin) or suspected(
                got, x.dtype, layer.self_attn, attention_suspects(), lambda a, x=x, c=cos, s=sin:
                run_attention(a, x.float(), c.float(), s.float()), attention_hint())
            mismatch(label, got, want, x.dtype, "layer.self_attn(hidden_states=hidden, position_embeddings=(cos, sin), "
                     "attention_mask=causal)[0]", locate.part_place(where, "attention"), mistake)


# --- task 6: decoder_layer -------------------------------------------------------------------------


def part_hint(part, layer, parts, got, cos, sin):
    """What most likely went wrong at this part of the layer: the suspects of attention/mlp, or pre- vs post-norm."""
    dtype = parts["x"].dtype
    if part == "input norm" and within(got, parts["x"], dtype):
        return t("attention() got the layer's raw input: Qwen2 is pre-norm, attention(layer, rms_norm(hidden, ...)).")
    if part == "attention":
        return suspected(got, dtype, layer.self_attn, attention_suspects(), lambda a: run_attention(
            a, parts["input norm"].float(), cos.float(), sin.float()), hints()[part])
    if part == "MLP":
        return suspected(got, dtype, layer.mlp, mlp_suspects(), lambda m: m(parts["post-attention norm"].float()),
                         hints()[part])
    return hints()[part]


@pytest.mark.task("decoder_layer", uses=("rms_norm", "apply_rotary", "mlp", "attention"))
@pytest.mark.parametrize("case", ["prompt_every_layer", "float32_batch_of_two"])
def test_decoder_layer_equals_the_models_layer(impl, model, tokenizer, case):
    for where, layer, parts, cos, sin, roots in layer_cases(case, model, tokenizer):
        x, traced = parts["x"], watch_calls.Traced(impl.decoder_layer, PIECES)
        label = t("decoder_layer(layer, hidden, cos, sin)   # {where}; hidden: the layer's input, {shape}",
                  where=where, shape=list(x.shape))
        out = call(traced, label, roots, layer, x, cos, sin)
        out = expect_like(out, x, label, t("[batch, T, hidden], like hidden"))
        if within(out, parts["MLP residual"], x.dtype):
            continue
        part, got, want, ok = locate_in_layer(traced, ROLES, layer, parts, out, x.dtype)
        blind = "" if traced.calls else t("your decoder_layer() calls none of your functions, so the tests see only "
                                          "its output: call your rms_norm(), attention() and mlp(). ")
        ok = [t("{where}: {parts}", where=where, parts=listed(map(locate.part_name, ok)))] * bool(ok)
        why = (part == "attention" and rotary_first(traced, cos, sin)) or part_hint(part, layer, parts, got, cos, sin)
        returned = t("{value}: the layer's output, not the model's. {verdict}", value=describe(out),
                     verdict=verdict(out, parts["MLP residual"], x.dtype))
        mismatch(label, got, want, x.dtype, t("the layer's output, as the model computes it"),
                 locate.part_place(where, part), blind + why, ok, returned=returned)


# --- task 7: forward -------------------------------------------------------------------------------


def forward_of(impl, model, tokenizer):
    cap = captured(model, tokenizer)
    label = t("forward(model, input_ids)   # input_ids: {prompt!r}, shape {shape}", prompt=TYPO_PROMPT,
              shape=list(cap["ids"].shape))
    traced = watch_calls.Traced(impl.forward, PIECES)
    logits = expect_tensor(call(traced, label, {model: "model"}, model, cap["ids"]), label, "logits [1, T, vocab]")
    T, V = cap["logits"].shape[1:]
    expect_shape(logits, cap["logits"].shape, label, "logits [1, T, vocab_size]", {
        (T, V): t("keep the batch axis: [1, T, vocab]."),
        (1, T, model.config.hidden_size): t("these are hidden states: finish with the final norm and the tied head.")})
    return cap, label, traced, logits


@pytest.mark.task("forward", uses=PIECES)
def test_forward_matches_the_models_logits(impl, model, tokenizer):
    cap, label, traced, logits = forward_of(impl, model, tokenizer)
    want, dtype = cap["logits"], cap["logits"].dtype
    if within(logits, want, dtype, whole=True):
        return
    returned = t("logits that differ from model(input_ids).logits. {verdict}",
                 verdict=verdict(logits, want, dtype, whole=True))
    found = locate_forward(traced, ROLES, model, cap, logits, hints(), part_hint)
    if found is None:
        fail(label, returned, "model(input_ids).logits", t("the tests cannot see a single place that differs: call "
             "your own decoder_layer() (and rms_norm() for the final norm) from forward() so they can point at one."))
    place, got, want, hint, ok, whole = found
    mismatch(label, got, want, dtype, "model(input_ids).logits", place, hint, ok, whole, returned)


@pytest.mark.task("forward", uses=PIECES)
def test_forward_predicts_the_models_next_token(impl, model, tokenizer):
    cap, label, _, logits = forward_of(impl, model, tokenizer)
    got_id, want_id = int(logits[0, -1].argmax()), int(cap["logits"][0, -1].argmax())
    if not same_argmax(logits, cap["logits"], cap["logits"].dtype):  # a near tie can only come from random weights
        fail(label, t("the last position's argmax is {id} = {token!r}", id=got_id, token=tokenizer.decode([got_id])),
             t("{id} = {token!r}, the argmax of model(input_ids).logits (' Paris' on Qwen2.5 and on the stand-in)",
               id=want_id, token=tokenizer.decode([want_id])),
             t("test_forward_matches_the_models_logits names the first place that differs."))
