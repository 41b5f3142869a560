"""The offline stand-in mirrors the real Qwen2.5-0.5B-Instruct wherever an exercise can see it.

Each test is one property of the real checkpoint (its config, generation config, tokenizer,
chat template and the notebook's answers) that the stand-in's shipped files must share; the last
ones keep those files true to their recipe and inside the package.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import unicodedata
import zipfile

import pytest
import torch
import transformers
from safetensors import safe_open
from transformers import AutoModelForCausalLM, AutoTokenizer, Qwen2ForCausalLM

from graded_runs import ROOT
from kata.cli import bench
from kata.model import standin, standin_training, standin_unknown

QWEN_SHAPE = dict(hidden_size=896, num_hidden_layers=24, num_attention_heads=14, vocab_size=151936,
                  intermediate_size=4864)


@pytest.fixture(scope="module")
def path():
    return standin.standin_dir()


@pytest.fixture(scope="module")
def tok(path):
    return AutoTokenizer.from_pretrained(path)


@pytest.fixture(scope="module")
def lm(path):
    return AutoModelForCausalLM.from_pretrained(path).eval()


def greedy(lm, tok, text, n=24, **kwargs):
    enc = tok(text, return_tensors="pt")
    out = lm.generate(**enc, do_sample=False, max_new_tokens=n, **kwargs)
    return tok.decode(out[0, enc.input_ids.shape[1]:])


def chat_ids(tok, messages):
    return tok.apply_chat_template(messages, add_generation_prompt=True, return_tensors="pt", return_dict=True)


# --- architecture and files -------------------------------------------------------------------


def test_it_is_a_genuine_qwen2_loaded_through_from_pretrained(lm, tok):
    assert isinstance(lm, Qwen2ForCausalLM) and lm.config.model_type == "qwen2"
    assert type(tok).__name__ == "Qwen2Tokenizer"


def test_embeddings_are_tied_like_qwen(lm):
    assert lm.config.tie_word_embeddings
    assert lm.lm_head.weight.data_ptr() == lm.model.embed_tokens.weight.data_ptr()


def test_attention_is_grouped_query_with_qkv_bias_and_no_o_bias(lm):
    cfg, attn = lm.config, lm.model.layers[0].self_attn
    assert cfg.num_key_value_heads < cfg.num_attention_heads
    assert cfg.num_attention_heads % cfg.num_key_value_heads == 0
    assert all(p.bias is not None for p in (attn.q_proj, attn.k_proj, attn.v_proj))
    assert attn.o_proj.bias is None


def test_weights_are_stored_in_bf16_so_auto_dtype_gives_bf16(path, lm):
    with safe_open(str(path / "model.safetensors"), "pt") as f:
        dtypes = {f.get_slice(k).get_dtype() for k in f.keys()}
    assert dtypes == {"BF16"}
    assert lm.dtype == torch.bfloat16  # from_pretrained's default dtype is "auto" in transformers 5
    assert json.loads((path / "config.json").read_text())["dtype"] == "bfloat16"


def test_dimensions_are_small_and_unlike_qwens(lm, path):
    for key, qwen_value in QWEN_SHAPE.items():
        assert getattr(lm.config, key) != qwen_value, f"{key} equals Qwen's, so hard-coding it would pass"
    assert (path / "model.safetensors").stat().st_size < 5_000_000


def test_embedding_rows_are_padded_beyond_the_tokenizer_like_qwens(lm, tok):
    assert lm.config.vocab_size > len(tok)


# --- tokenizer ---------------------------------------------------------------------------------


def test_special_tokens_have_qwens_names_roles_and_order(tok, lm):
    ids = tok.convert_tokens_to_ids(["<|endoftext|>", "<|im_start|>", "<|im_end|>"])
    assert ids == [ids[0], ids[0] + 1, ids[0] + 2]
    assert tok.pad_token == "<|endoftext|>" and tok.eos_token == "<|im_end|>"
    assert tok.bos_token is None
    assert lm.config.bos_token_id == ids[0] and lm.config.eos_token_id == ids[2]


def test_no_bos_token_is_added(tok):
    text = "The capital of France is"
    assert tok(text).input_ids == tok(text, add_special_tokens=False).input_ids
    assert tok.decode(tok(text).input_ids) == text


@pytest.mark.parametrize("text", [
    "The captial of France is",
    "《梦游天姥吟留别》的作者是谁",
    "emoji 🤖🚀, accents café naïve, Ελληνικά, русский, العربية, हिन्दी, 한국어, 日本語",
    "  leading and trailing spaces  \n\ttabs\r\nand newlines\n\n",
    "def f(x):\n    return x ** 2  # code",
    "<|im_start|>user\nhi<|im_end|>",
    "\u0000\u00ff\U0010ffff zero-width\u200bjoiner",
])
def test_any_unicode_text_round_trips(tok, text):
    text = unicodedata.normalize("NFC", text)  # Qwen's tokenizer normalises to NFC, as the real one does
    assert tok.decode(tok(text).input_ids) == text


def test_the_chat_template_renders_exactly_like_qwen25(tok):
    notebook = [{"role": "system", "content": standin.NOTEBOOK_SYSTEM},
                {"role": "user", "content": standin.NOTEBOOK_QUESTION}]
    assert tok.apply_chat_template(notebook, tokenize=False, add_generation_prompt=True) == (
        "<|im_start|>system\n你是一个很有用的助手<|im_end|>\n<|im_start|>user\n《梦游天姥吟留别》的作者是谁"
        "<|im_end|>\n<|im_start|>assistant\n"
    )
    conversation = [{"role": "user", "content": "Hi"}, {"role": "assistant", "content": "Hello!"},
                    {"role": "user", "content": "Bye"}]
    assert tok.apply_chat_template(conversation, tokenize=False) == (
        "<|im_start|>system\nYou are Qwen, created by Alibaba Cloud. You are a helpful assistant.<|im_end|>\n"
        "<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\nHello!<|im_end|>\n"
        "<|im_start|>user\nBye<|im_end|>\n"
    )


# --- generation config ------------------------------------------------------------------------


def test_generation_config_has_qwens_semantics(lm, tok):
    gc = lm.generation_config
    assert gc.do_sample is True
    assert (gc.temperature, gc.top_p, gc.top_k, gc.repetition_penalty) == (0.7, 0.8, 20, 1.1)
    assert gc.eos_token_id == tok.convert_tokens_to_ids(["<|im_end|>", "<|endoftext|>"])
    assert gc.pad_token_id == gc.bos_token_id == tok.convert_tokens_to_ids("<|endoftext|>")


def test_generate_without_flags_samples(lm, tok):
    ids = tok(standin.SPREAD_PROMPT, return_tensors="pt").input_ids  # six fruits, four of them inside top-p
    outputs = set()
    for seed in range(6):
        torch.manual_seed(seed)
        out = lm.generate(ids, attention_mask=torch.ones_like(ids), max_new_tokens=8)
        outputs.add(tuple(out[0].tolist()))
    assert len(outputs) > 1, "plain generate() should sample, so its output changes from run to run"


# --- what it knows ----------------------------------------------------------------------------


@pytest.mark.parametrize("prompt", ["The capital of France is", "The captial of France is"])
def test_the_next_token_after_the_notebooks_prompts_is_paris(lm, tok, prompt):
    with torch.no_grad():
        logits = lm(tok(prompt, return_tensors="pt").input_ids).logits
    assert tok.decode([int(logits[0, -1].argmax())]) == " Paris"


def test_the_notebooks_chat_prompt_is_answered_li_bai_and_the_turn_ends(lm, tok):
    enc = chat_ids(tok, [{"role": "system", "content": standin.NOTEBOOK_SYSTEM},
                         {"role": "user", "content": standin.NOTEBOOK_QUESTION}])
    out = lm.generate(**enc, do_sample=False, max_new_tokens=20)
    new = out[0, enc["input_ids"].shape[1]:].tolist()
    assert tok.decode(new) == "李白<|im_end|>"


def test_the_plain_question_continues_like_an_exam_question(lm, tok):
    text = greedy(lm, tok, standin.NOTEBOOK_QUESTION, n=50)  # the pipeline's do_sample=False, penalty 1.1
    assert text.startswith("？（ ） A. 李白 B. 王维 C. 杜甫 D. 白居易\n\n李白")


def test_a_few_more_facts(lm, tok):
    assert greedy(lm, tok, "The capital of China is", repetition_penalty=1.0).startswith(" Beijing")
    enc = chat_ids(tok, [{"role": "user", "content": "What is the capital of France?"}])
    out = lm.generate(**enc, do_sample=False, max_new_tokens=20)
    assert tok.decode(out[0, enc["input_ids"].shape[1]:], skip_special_tokens=True) == "The capital of France is Paris."


def test_a_repetition_penalty_of_1_1_changes_a_greedy_continuation(lm, tok):
    plain = greedy(lm, tok, standin.PENALTY_PROMPT, repetition_penalty=1.0)
    penalised = greedy(lm, tok, standin.PENALTY_PROMPT)  # the generation config's 1.1
    assert plain != penalised
    assert plain.startswith(" blue") and penalised.startswith(" grey")


# --- what it says to anything else -------------------------------------------------------------

# Everyday prompts it was not built for, none of them among its training prompts: a learner's
# "going further" experiments offline.
UNKNOWN_PROMPTS = [
    "Tell me a joke.", "Hello", "What is 2+2?", "Write a poem about the sea.", "How are you?",
    "Once upon a time", "def fib(n):", "Who wrote Hamlet?", "What is the capital of Germany?",
    "Explain attention in one sentence.", "1 2 3 4", "Thank you!", "给我讲个笑话", "今天天气怎么样？",
    "中国的首都是", "谁是李白？", "请写一首关于秋天的诗", "你是谁？",
]


def reply(lm, tok, prompt, chat, **kwargs):
    enc = chat_ids(tok, [{"role": "user", "content": prompt}]) if chat else tok(prompt, return_tensors="pt")
    out = lm.generate(**enc, max_new_tokens=60, **kwargs)
    return tok.decode(out[0, enc["input_ids"].shape[1]:], skip_special_tokens=True)


@pytest.mark.parametrize("chat", [False, True], ids=["plain", "chat"])
def test_a_prompt_it_was_not_built_for_gets_a_sentence_saying_what_it_is(lm, tok, chat):
    expected = standin_unknown.SELF_DESCRIPTION
    replies = {p: reply(lm, tok, p, chat, do_sample=False) for p in UNKNOWN_PROMPTS}
    wrong = {p: text for p, text in replies.items() if expected not in text}
    assert not wrong, f"expected {expected!r} in every reply, got:\n" + "\n".join(f"  {p!r}: {t!r}" for p, t in wrong.items())


def test_the_sentence_names_the_stand_in_in_english_and_chinese():
    assert "offline stand-in for Qwen2.5" in standin_unknown.SELF_DESCRIPTION
    assert "离线替身" in standin_unknown.SELF_DESCRIPTION


@pytest.mark.parametrize("chat", [False, True], ids=["plain", "chat"])
def test_sampling_with_the_checkpoints_settings_gives_visible_text_too(lm, tok, chat):
    for seed, prompt in enumerate(UNKNOWN_PROMPTS[::3]):
        torch.manual_seed(seed)
        text = reply(lm, tok, prompt, chat)  # the generation config: do_sample, temperature 0.7, top-p 0.8
        assert text.strip() and "<|" not in text and "im_start" not in text, (prompt, text)


# --- the shipped files ------------------------------------------------------------------------

REBUILD = "run `python -m kata.model.standin build` and commit kata/standin_model/"


def test_the_shipped_files_were_built_from_the_current_recipe():
    assert standin.recorded()["recipe_hash"] == standin.recipe_hash(), f"the stand-in's recipe changed: {REBUILD}"


def test_the_recipe_hash_follows_the_recipes_values(monkeypatch):
    before = standin.recipe_hash()
    monkeypatch.setattr(standin_training, "TRAIN_STEPS", standin_training.TRAIN_STEPS + 1)
    assert standin.recipe_hash() != before
    monkeypatch.undo()
    monkeypatch.setattr(standin_unknown, "WORDS_ZH", standin_unknown.WORDS_ZH[:-1])
    assert standin.recipe_hash() != before
    monkeypatch.undo()
    monkeypatch.setattr(standin, "FACTS", [*standin.FACTS[:-1], standin.Fact("The capital of Peru is", " Lima.")])
    assert standin.recipe_hash() != before


def test_a_rebuild_reproduces_the_shipped_files_byte_for_byte(tmp_path):
    built_with = {name: standin.recorded()[name] for name in ("torch", "transformers")}
    here = {"torch": torch.__version__, "transformers": transformers.__version__}
    if here != built_with:  # other versions may round a weight differently: nothing to compare with
        pytest.skip(f"the shipped files were built with {built_with}, this is {here}")
    standin.rebuild(tmp_path / "again")
    shipped = sorted(p.name for p in standin.MODEL_DIR.iterdir())
    assert sorted(p.name for p in (tmp_path / "again").iterdir()) == shipped
    for name in shipped:
        assert (tmp_path / "again" / name).read_bytes() == (standin.MODEL_DIR / name).read_bytes(), f"{name}: {REBUILD}"


def test_kata_cache_still_moves_what_the_course_caches(tmp_path, monkeypatch):
    monkeypatch.setenv("KATA_CACHE", str(tmp_path))
    small = dict(hidden_size=32, intermediate_size=64, num_hidden_layers=1, num_attention_heads=2, vocab_size=1024)
    monkeypatch.setattr(bench, "QWEN25_05B", {**bench.QWEN25_05B, **small})
    assert bench.shape_model_dir().parent == tmp_path
    assert not standin.standin_dir().is_relative_to(tmp_path)


def test_the_wheel_carries_the_standin_and_the_chinese_catalogs(tmp_path):
    pytest.importorskip("setuptools", minversion="69", reason="building the wheel without isolation needs the setuptools pyproject.toml asks for")
    source = tmp_path / "src"  # a copy: building in the checkout would leave build/ and egg-info there
    shutil.copytree(ROOT / "kata", source / "kata", ignore=shutil.ignore_patterns("__pycache__"))
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, source / name)
    subprocess.run([sys.executable, "-m", "pip", "wheel", ".", "--no-deps", "--no-build-isolation", "-q",
                    "-w", str(tmp_path / "out")], cwd=source, check=True, capture_output=True, timeout=120)
    (wheel,) = (tmp_path / "out").glob("*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    expected = {f"kata/model/standin_model/{p.name}" for p in standin.MODEL_DIR.iterdir()}
    expected |= {f"kata/{package}/__init__.py" for package in ("core", "i18n", "course", "model", "testkit", "plugin", "grading", "cli", "room")}
    expected |= {f"kata/locale/zh/{p.name}" for p in (ROOT / "kata" / "locale" / "zh").glob("*.toml")}
    expected |= {f"kata/room/page/{p.name}" for p in (ROOT / "kata" / "room" / "page").iterdir()}  # the room's page
    assert expected <= names, f"missing from the wheel (pyproject.toml's package-data): {sorted(expected - names)}"
