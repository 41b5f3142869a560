"""kata.testkit.locate on a tiny random Qwen2: a forward rebuilt from pieces, one of them made wrong on purpose,
is located at that piece, with everything before it reported as matching."""

from __future__ import annotations

import sys

import pytest
import torch
from torch import nn
from transformers import Qwen2Config, Qwen2ForCausalLM
from transformers.masking_utils import create_causal_mask
from transformers.models.qwen2 import modeling_qwen2

from kata.testkit.locate import (
    LAYER_PARTS,
    Roles,
    locate_forward,
    locate_in_layer,
    model_values,
    rotated_wrongly,
    suspected,
)
from kata.testkit.tolerance import within
from kata.testkit.watch_calls import Traced

ROLES = Roles(norm="norm", attention="attention", mlp="mlp", layer="layer_fn")
NAMES = ("norm", "attention", "mlp", "layer_fn")
HINTS = {place: f"<{place}>" for place in ("embedding", "rotary cos/sin", "final norm", "head")}
here = sys.modules[__name__]


@pytest.fixture(scope="module")
def model():
    torch.manual_seed(0)
    config = Qwen2Config(vocab_size=64, hidden_size=32, intermediate_size=64, num_hidden_layers=3,
                         num_attention_heads=4, num_key_value_heads=2)
    model = Qwen2ForCausalLM(config).eval()
    with torch.no_grad():
        for p in model.parameters():  # norms start at 1 and biases at 0: make every weight count
            p.add_(torch.randn_like(p) * 0.2)
    return model


@pytest.fixture(scope="module")
def cap(model):
    ids = torch.tensor([[3, 14, 15, 9, 26, 5]])
    return {"ids": ids, **model_values(model, ids)}


# A forward rebuilt from pieces (the model's own attention and MLP stand in for the learner's).


def norm(x, weight, eps):
    x32 = x.float()
    return weight * (x32 * torch.rsqrt(x32.pow(2).mean(-1, keepdim=True) + eps)).to(x.dtype)


def attention(layer, hidden, cos, sin):
    mask = create_causal_mask(config=layer.self_attn.config, inputs_embeds=hidden, attention_mask=None, cache=None)
    return layer.self_attn(hidden_states=hidden, position_embeddings=(cos, sin), attention_mask=mask)[0]


def mlp(layer, x):
    return layer.mlp(x)


def layer_fn(layer, hidden, cos, sin):
    n1, n2 = layer.input_layernorm, layer.post_attention_layernorm
    hidden = hidden + attention(layer, norm(hidden, n1.weight, n1.variance_epsilon), cos, sin)
    return hidden + mlp(layer, norm(hidden, n2.weight, n2.variance_epsilon))


def forward(model, ids):
    hidden = model.model.embed_tokens(ids)
    cos, sin = model.model.rotary_emb(hidden, torch.arange(ids.shape[1])[None])
    for layer in model.model.layers:
        hidden = layer_fn(layer, hidden, cos, sin)
    return model.lm_head(norm(hidden, model.model.norm.weight, model.model.norm.variance_epsilon))


def relu_mlp(layer, x):
    m = layer.mlp
    return m.down_proj(torch.relu(m.gate_proj(x)) * m.up_proj(x))


def part_hint(part, layer, parts, got, cos, sin):
    return f"<{part}>"


def located(model, cap):
    traced = Traced(forward, NAMES)
    with torch.no_grad():
        logits = traced(model, cap["ids"])
    return locate_forward(traced, ROLES, model, cap, logits, HINTS, part_hint)


def test_the_models_values_chain_from_layer_to_layer(model, cap):
    assert len(cap["layers"]) == 3 and set(cap["layers"][0]) == {"x", *LAYER_PARTS}
    assert torch.equal(cap["layers"][1]["x"], cap["layers"][0]["MLP residual"])
    assert torch.equal(cap["final_in"], cap["layers"][2]["MLP residual"])
    assert torch.allclose(model.lm_head(cap["final"]), cap["logits"])


def test_a_right_layer_matches_at_every_part(model, cap):
    layer, parts = model.model.layers[1], cap["layers"][1]
    traced = Traced(layer_fn, NAMES)
    with torch.no_grad():
        out = traced(layer, parts["x"], *cap["rotary"])
    assert locate_in_layer(traced, ROLES, layer, parts, out, torch.float32) == (None, None, None, list(LAYER_PARTS))


def test_a_wrong_mlp_is_located_after_the_parts_before_it(model, cap, monkeypatch):
    monkeypatch.setattr(here, "mlp", relu_mlp)
    layer, parts = model.model.layers[0], cap["layers"][0]
    traced = Traced(layer_fn, NAMES)
    with torch.no_grad():
        out = traced(layer, parts["x"], *cap["rotary"])
    part, got, want, ok = locate_in_layer(traced, ROLES, layer, parts, out, torch.float32)
    assert part == "MLP" and ok == list(LAYER_PARTS[:4]) and want is parts["MLP"]


def test_a_right_forward_is_not_located(model, cap):
    assert located(model, cap) is None


def test_a_wrong_mlp_is_located_in_the_first_layer_of_a_forward(model, cap, monkeypatch):
    monkeypatch.setattr(here, "mlp", relu_mlp)
    place, _, _, hint, ok, whole = located(model, cap)
    assert (place, hint, whole) == ("layer 0, MLP", "<MLP>", False)
    assert ok == ["embedding", "rotary cos/sin", f"layer 0: {', '.join(LAYER_PARTS[:4])}"]


def test_a_missing_final_norm_is_located_for_the_whole_forward(model, cap, monkeypatch):
    final, right = model.model.norm, norm
    monkeypatch.setattr(here, "norm", lambda x, weight, eps: x if weight is final.weight else right(x, weight, eps))
    place, got, want, hint, ok, whole = located(model, cap)
    assert (place, want, hint, whole) == ("final norm", None, "<final norm>", True)
    assert got == "Your logits are the head of the last layer's output as it is."
    assert ok == ["embedding", "rotary cos/sin", "layers 0-2"]


def test_a_scaled_embedding_is_measured(model, cap, monkeypatch):
    embed = model.model.embed_tokens
    monkeypatch.setattr(embed, "forward", lambda ids: nn.functional.embedding(ids, embed.weight) * 2)
    place, _, _, hint, ok, _ = located(model, cap)
    assert (place, hint, ok) == ("embedding", "<embedding> Yours is it times 2: Qwen2 does not scale it.", [])


def test_suspected_names_the_change_that_reproduces_the_value(model, cap):
    layer, x = model.model.layers[0], cap["layers"][0]["post-attention norm"]
    with torch.no_grad():
        got = relu_mlp(layer, x)
    changes = [(lambda m: setattr(m, "act_fn", nn.GELU()), "gelu"),
               (lambda m: setattr(m, "act_fn", nn.ReLU()), "relu")]
    assert suspected(got, x.dtype, layer.mlp, changes, lambda m: m(x), "neither") == "relu"
    assert suspected(got, x.dtype, layer.mlp, changes[:1], lambda m: m(x), "neither") == "neither"


def test_later_layers_given_other_cos_sin_are_located_at_that_layer(model, cap, monkeypatch):
    def forward_with_other_rotary(model, ids):  # the layers after the first get the angles of positions 0, 2, 4...
        hidden, positions = model.model.embed_tokens(ids), torch.arange(ids.shape[1])[None]
        for i, layer in enumerate(model.model.layers):  # (a shift of every position would change nothing)
            hidden = layer_fn(layer, hidden, *model.model.rotary_emb(hidden, positions * (1 + (i > 0))))
        return model.lm_head(norm(hidden, model.model.norm.weight, model.model.norm.variance_epsilon))

    monkeypatch.setattr(here, "forward", forward_with_other_rotary)
    with torch.no_grad():
        assert not within(forward_with_other_rotary(model, cap["ids"]), cap["logits"], torch.float32, whole=True)
    place, got, want, hint, ok, whole = located(model, cap)
    assert (place, hint, whole) == ("layer 1's cos/sin", "<rotary cos/sin>", False)
    assert ok == ["embedding", "rotary cos/sin", "layer 0"]


def test_errors_that_add_up_over_the_layers_are_named_as_such(model, cap, monkeypatch):
    right = layer_fn

    def drifting(layer, hidden, cos, sin):  # off by half a piece's tolerance: each layer alone matches
        out = right(layer, hidden, cos, sin)
        return out + 0.0005 * out.abs().max()

    monkeypatch.setattr(here, "layer_fn", drifting)
    with torch.no_grad():
        assert not within(forward(model, cap["ids"]), cap["logits"], torch.float32, whole=True)
    place, got, want, hint, ok, whole = located(model, cap)
    assert place == "layer 1's output" and want is cap["layers"][1]["MLP residual"] and not whole
    assert "each of your pieces matches on its own" in hint and "add up over the layers" in hint
    assert ok == ["embedding", "rotary cos/sin", "layer 0"]


def test_a_final_norm_with_another_weight_is_named_the_final_norm(model, cap, monkeypatch):
    def forward_with_a_wrong_final_weight(model, ids):  # the last layer's post-attention norm weight, not the final
        hidden, final = model.model.embed_tokens(ids), model.model.norm
        cos, sin = model.model.rotary_emb(hidden, torch.arange(ids.shape[1])[None])
        for layer in model.model.layers:
            hidden = layer_fn(layer, hidden, cos, sin)
        return model.lm_head(norm(hidden, layer.post_attention_layernorm.weight, final.variance_epsilon))

    monkeypatch.setattr(here, "forward", forward_with_a_wrong_final_weight)
    place, got, want, hint, ok, whole = located(model, cap)
    assert (place, whole) == ("final norm", False)
    assert hint.startswith("your final norm is given another weight than model.model.norm.weight")
    assert ok == ["embedding", "rotary cos/sin", "layers 0-2"]


def rotary(q, k, cos, sin):
    return modeling_qwen2.apply_rotary_pos_emb(q, k, cos, sin)


def rotating_attention(q, k, cos, sin):  # an attention() reduced to its call of the rotary function
    return rotary(q, k, cos, sin)


def test_a_wrong_rotary_is_told_apart_from_a_caller_that_passes_it_other_angles(cap, monkeypatch):
    cos, sin = cap["rotary"]
    q, k = torch.randn(1, 4, 6, 8), torch.randn(1, 2, 6, 8)

    def ran(*args):
        traced = Traced(rotating_attention, ("rotary",))
        traced(*args)
        return rotated_wrongly(traced, "rotary", cos, sin)

    assert not ran(q, k, cos, sin)
    assert not ran(q, k, cos, -sin)  # other angles from the caller: the rotary function may be right
    monkeypatch.setattr(here, "rotary", lambda q, k, cos, sin: modeling_qwen2.apply_rotary_pos_emb(q, k, cos, -sin))
    assert ran(q, k, cos, sin)
