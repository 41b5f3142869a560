"""kata.testkit.watch_calls on a tiny random Qwen2: what call() forbids and allows, Traced's record, record's hooks."""

from __future__ import annotations

import copy
import sys

import pytest
import torch
import torch.nn.functional as F
from transformers import Qwen2Config, Qwen2ForCausalLM
from transformers.models.qwen2 import modeling_qwen2

from kata.testkit.watch_calls import Traced, call, record


@pytest.fixture(scope="module")
def model():
    torch.manual_seed(0)
    config = Qwen2Config(vocab_size=64, hidden_size=32, intermediate_size=64, num_hidden_layers=2,
                         num_attention_heads=4, num_key_value_heads=2)
    return Qwen2ForCausalLM(config).eval()


def failure(fn, *args, roots):
    with pytest.raises(pytest.fail.Exception) as failed:
        call(fn, "f(x)   # layer 1; x [1, 3, 32]", roots, *args)
    return str(failed.value)


def rebuilt_mlp(layer, x):
    m = layer.mlp
    return m.down_proj(F.silu(m.gate_proj(x)) * m.up_proj(x))


def test_a_composite_module_is_named_as_the_learner_would_write_it(model):
    x = torch.randn(1, 3, 32)
    message = failure(lambda x: model.model.layers[1].mlp(x), x, roots={model: "model"})
    assert "returned: your <lambda>() called model.model.layers[1].mlp(...)" in message
    assert "expected: <lambda>() rebuilt from the weights: leaf nn.Linear / nn.Embedding" in message


def test_a_copy_of_a_layer_is_named_by_its_own_root(model):
    layer = copy.deepcopy(model.model.layers[0])
    message = failure(lambda x: layer.input_layernorm(x), torch.randn(1, 3, 32), roots={model: "model", layer: "layer"})
    assert "called layer.input_layernorm(...)" in message


def test_transformers_own_qwen2_functions_are_named(model):
    message = failure(modeling_qwen2.rotate_half, torch.randn(1, 2, 3, 8), roots={model: "model"})
    assert "called transformers' rotate_half() from modeling_qwen2.py" in message


def test_leaf_linear_and_embedding_modules_and_activations_are_allowed(model):
    ids = torch.tensor([[1, 2, 3]])
    layer = model.model.layers[0]
    out = call(lambda ids: rebuilt_mlp(layer, model.model.embed_tokens(ids)), "f(ids)", {model: "model"}, ids)
    with torch.no_grad():
        assert torch.allclose(out, layer.mlp(model.model.embed_tokens(ids)))


def test_nothing_is_watched_after_the_call(model):
    x, layer, profiler = torch.randn(1, 3, 32), model.model.layers[0], sys.getprofile()
    failure(lambda x: layer.mlp(x), x, roots={model: "model"})
    assert sys.getprofile() is profiler
    assert not any(m._forward_pre_hooks for m in model.modules())
    assert call(lambda x: rebuilt_mlp(layer, x), "f(x)", {model: "model"}, x).shape == x.shape
    layer.mlp(x)  # the model's own code runs unwatched again
    modeling_qwen2.rotate_half(x)


def test_an_error_names_the_learners_line_and_the_case_it_broke_on(model):
    def broken(x):
        return x @ x

    message = failure(broken, torch.randn(1, 3, 32), roots={model: "model"})
    assert "returned: an error: RuntimeError: " in message and "(line " in message and "return x @ x)" in message
    assert message.endswith("likely mistake: it broke on layer 1: print the shape of each step.")


def test_a_stub_still_raises_not_implemented(model):
    def stub(x):
        raise NotImplementedError("TODO")

    with pytest.raises(NotImplementedError):
        call(stub, "f(x)", {model: "model"}, torch.zeros(1))


def double(x):
    return 2 * x


def quadruple(x):
    return double(double(x))


def test_traced_records_the_calls_to_its_neighbours_and_puts_them_back():
    traced = Traced(quadruple, ["double", "not_defined"])
    assert traced(3) == 12 and traced.__name__ == "quadruple"
    assert traced.calls == [("double", [3], 6), ("double", [6], 12)]
    assert traced.find("double", first=6) == [([6], 12)]
    assert double is globals()["double"] and list(traced.originals) == ["double"]


def test_record_keeps_each_named_modules_input_and_output_and_removes_its_hooks(model):
    ids = torch.tensor([[5, 6, 7]])
    layer = model.model.layers[1]
    logits, seen = record(lambda: model(ids).logits, {"mlp": layer.mlp, "attn": layer.self_attn})
    assert logits.shape == (1, 3, 64) and not logits.requires_grad
    x, out = seen["mlp"]
    assert torch.equal(layer.mlp(x), out)
    assert seen["attn"][0].shape == (1, 3, 32)  # self_attn is called with hidden_states=...
    assert not any(m._forward_hooks for m in model.modules())
