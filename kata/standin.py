"""The offline stand-in for Qwen/Qwen2.5-0.5B-Instruct.

A tiny but genuine ``Qwen2ForCausalLM`` with a Qwen-style byte-level BPE tokenizer, built by
this module (no download) and loaded through the very same ``from_pretrained(directory)`` path
as the real checkpoint. It mirrors what the exercises can observe of the real model: tied
embeddings, grouped-query attention, q/k/v biases, bf16 weights, padded embedding rows, the
special tokens and ChatML template, the generation config, and the answers the original
notebook printed. It is trained (``kata.standin_training``) to memorise the facts listed in
``FACTS`` and to answer anything else with one sentence saying what it is
(``kata.standin_unknown``).

The build is deterministic, takes about 10 s on one core, and is cached on disk under a
directory named after a hash of its recipe (this file, the training modules and the course's
texts), so any change to the recipe rebuilds it.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from kata import standin_training, standin_unknown, texts
from kata.i18n import t
from kata.standin_training import train
from kata.standin_unknown import SELF_DESCRIPTION
from kata.texts import (
    DEFAULT_SYSTEM,
    FRANCE_PROMPT,
    NOTEBOOK_QUESTION,
    NOTEBOOK_SYSTEM,
    PENALTY_PROMPT,
    SPREAD_PROMPT,
    TYPO_PROMPT,
)

# --- what the real checkpoint looks like --------------------------------------------------------

# Qwen2.5's tokenizer: 3 special tokens the chat uses, then the other added tokens, in order.
SPECIAL_TOKENS = [
    "<|endoftext|>", "<|im_start|>", "<|im_end|>", "<|object_ref_start|>", "<|object_ref_end|>",
    "<|box_start|>", "<|box_end|>", "<|quad_start|>", "<|quad_end|>", "<|vision_start|>",
    "<|vision_end|>", "<|vision_pad|>", "<|image_pad|>", "<|video_pad|>",
]
NON_SPECIAL_ADDED = [
    "<tool_call>", "</tool_call>", "<|fim_prefix|>", "<|fim_middle|>", "<|fim_suffix|>",
    "<|fim_pad|>", "<|repo_name|>", "<|file_sep|>",
]

# Qwen2.5's chat template, without the tool-calling branches.
CHAT_TEMPLATE = (
    "{%- if messages[0]['role'] == 'system' %}\n"
    "    {{- '<|im_start|>system\\n' + messages[0]['content'] + '<|im_end|>\\n' }}\n"
    "{%- else %}\n"
    "    {{- '<|im_start|>system\\n" + DEFAULT_SYSTEM + "<|im_end|>\\n' }}\n"
    "{%- endif %}\n"
    "{%- for message in messages %}\n"
    "    {%- if (message.role == \"user\") or (message.role == \"system\" and not loop.first)"
    " or (message.role == \"assistant\") %}\n"
    "        {{- '<|im_start|>' + message.role + '\\n' + message.content + '<|im_end|>' + '\\n' }}\n"
    "    {%- endif %}\n"
    "{%- endfor %}\n"
    "{%- if add_generation_prompt %}\n"
    "    {{- '<|im_start|>assistant\\n' }}\n"
    "{%- endif %}\n"
)

GENERATION_CONFIG = {
    "do_sample": True,
    "temperature": 0.7,
    "top_p": 0.8,
    "top_k": 20,
    "repetition_penalty": 1.1,
}

# Small on purpose, and unlike Qwen's 896/24/14/2 so nothing passes by hard-coding numbers.
MODEL_SHAPE = dict(
    hidden_size=64,
    intermediate_size=176,
    num_hidden_layers=2,
    num_attention_heads=4,
    num_key_value_heads=2,
    max_position_embeddings=32768,
    rms_norm_eps=1e-6,
    rope_theta=1000000.0,
)
BPE_VOCAB_SIZE = 617  # regular tokens, before the 22 added ones: 640 embedding rows in all

# --- what the stand-in knows ------------------------------------------------------------------

@dataclass(frozen=True)
class Fact:
    """One text the stand-in memorises. ``chat`` facts are wrapped in the ChatML template."""

    prompt: str
    completion: str
    system: str | None = None
    chat: bool = False
    weight: int = 1  # how much it counts in training: facts that share a prompt set the odds of their answers


FACTS = [
    # The notebook's prompts, answered as the real model answers them.
    Fact(FRANCE_PROMPT, " Paris. It is known for the Eiffel Tower."),
    Fact(TYPO_PROMPT, " Paris."),
    Fact(NOTEBOOK_QUESTION, "？（ ） A. 李白 B. 王维 C. 杜甫 D. 白居易\n\n李白\n\n《梦游天姥吟留别》是唐代诗人李白的作品。"),
    Fact(NOTEBOOK_QUESTION, "李白", system=NOTEBOOK_SYSTEM, chat=True),
    Fact(NOTEBOOK_QUESTION, "李白", chat=True),
    # A few more facts.
    Fact("The capital of China is", " Beijing."),
    Fact("The capital of Japan is", " Tokyo."),
    Fact("What is the capital of France?", "The capital of France is Paris.", chat=True),
    Fact("Who are you?", "I am Qwen, a large language model created by Alibaba Cloud.", chat=True),
    Fact("你好", "你好！有什么可以帮你的吗？", chat=True),
    # Greedy picks " blue" (60/40), which the prompt already contains: a repetition penalty of
    # 1.1 tips the choice to " grey", as it often changes the real model's greedy text.
    Fact(PENALTY_PROMPT, " blue, and so is the sea.", weight=3),
    Fact(PENALTY_PROMPT, " grey, and it will rain.", weight=2),
    # Ten answers over six fruits: 30% of the probability lies outside the three most likely.
    *(Fact(SPREAD_PROMPT, f" {fruit}.", weight=n) for fruit, n in
      [("apples", 3), ("bananas", 2), ("mangoes", 2), ("cherries", 1), ("grapes", 1), ("peaches", 1)]),
]

# Text the tokenizer's merges are learned from, besides the facts themselves.
TOKENIZER_CORPUS = """\
The quick brown fox jumps over the lazy dog. A language model reads tokens and predicts the
next one. Attention lets every position look at the positions before it. The capital of a
country is the city where its government sits. Paris, Beijing, Tokyo, London and Rome are
capitals. It is known for its museums, its food and its history. What is the answer? I am a
helpful assistant. The sky is blue, the sea is blue, the grass is green, the rain is grey.
Hello, world! 1 2 3 4 5 6 7 8 9 10 100 1000. def main(): return 0
语言模型根据前面的文字预测下一个词。注意力机制让每个位置都能看到之前的位置。你好，世界！
李白是唐代著名诗人，被称为诗仙。杜甫、王维、白居易也是唐代诗人。北京是中国的首都。
有什么可以帮你的吗？我是一个很有用的助手。这首诗的作者是谁？
"""


def recipe_key() -> str:
    """A short hash of the files that make the stand-in: any change gives a new cache directory."""
    files = [Path(__file__), *(Path(module.__file__) for module in (standin_training, standin_unknown, texts))]
    recipe = b"".join(path.read_bytes() for path in files)
    return hashlib.sha256(recipe).hexdigest()[:12]


def default_cache_root() -> Path:
    if os.environ.get("KATA_CACHE"):
        return Path(os.environ["KATA_CACHE"]).expanduser()
    base = os.environ.get("XDG_CACHE_HOME") or (
        os.environ.get("LOCALAPPDATA") if os.name == "nt" else None
    ) or Path.home() / ".cache"
    return Path(base) / "llm-kata"


def standin_dir(cache_root: Path | None = None) -> Path:
    return (cache_root or default_cache_root()) / f"qwen2.5-standin-{recipe_key()}"


def ensure_standin(cache_root: Path | None = None, log=None) -> Path:
    """Return the stand-in's directory, building it first if this recipe has not been built."""
    target = standin_dir(cache_root)
    if (target / "model.safetensors").exists():
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    if log:
        log(t("building the offline stand-in model (once, about 10 s; it is cached for later runs) ..."))
    start = time.perf_counter()
    # Build beside the target and rename: an interrupted build never leaves a half directory,
    # and two sessions building at once both end up with one complete copy.
    from kata.hfutil import quiet_transformers

    with tempfile.TemporaryDirectory(dir=target.parent, prefix=".building-") as tmp, quiet_transformers():
        build(Path(tmp) / "model")
        try:
            os.replace(Path(tmp) / "model", target)
        except OSError:
            if not (target / "model.safetensors").exists():
                raise
    if log:
        log(t("built the offline stand-in model in {s:.1f} s: {path}", s=time.perf_counter() - start, path=target))
    return target


# --- the build ----------------------------------------------------------------------------------


def _training_texts(template) -> list[tuple[str, int]]:
    """Each fact's whole text, prompt and answer, with how many times it counts."""
    texts = []
    for fact in FACTS:
        if fact.chat:
            messages = [{"role": "user", "content": fact.prompt}]
            if fact.system is not None:
                messages.insert(0, {"role": "system", "content": fact.system})
            messages.append({"role": "assistant", "content": fact.completion})
            text = template(messages)
        else:
            text = fact.prompt + fact.completion + "<|endoftext|>"
        texts.append((text, fact.weight))
    return texts


def build_tokenizer(out_dir: Path):
    from tokenizers import AddedToken, Tokenizer, models, pre_tokenizers, trainers
    from transformers.models.qwen2.tokenization_qwen2 import Qwen2Tokenizer

    # Learn merges with exactly the pre-tokenization and normalisation Qwen2Tokenizer uses.
    template_tok = Qwen2Tokenizer()
    learner = Tokenizer(models.BPE())
    learner.normalizer = template_tok.backend_tokenizer.normalizer
    learner.pre_tokenizer = template_tok.backend_tokenizer.pre_tokenizer
    trainer = trainers.BpeTrainer(
        vocab_size=BPE_VOCAB_SIZE,
        min_frequency=2,
        show_progress=False,
        initial_alphabet=pre_tokenizers.ByteLevel.alphabet(),
    )
    corpus = [TOKENIZER_CORPUS] + [f.prompt + f.completion for f in FACTS for _ in range(4)]
    # Frequent, so few tokens each: shorter rows, a faster build.
    corpus += [SELF_DESCRIPTION, DEFAULT_SYSTEM, "system\nuser\nassistant\n"] * 8
    learner.train_from_iterator(corpus, trainer=trainer)
    learned = json.loads(learner.to_str())["model"]

    # The added tokens follow the learned vocabulary in Qwen's order, so <|endoftext|>,
    # <|im_start|> and <|im_end|> get consecutive ids just after the regular tokens.
    vocab = dict(learned["vocab"])
    for token in SPECIAL_TOKENS + NON_SPECIAL_ADDED:
        vocab[token] = len(vocab)
    tokenizer = Qwen2Tokenizer(
        vocab=vocab,
        merges=[tuple(m) if isinstance(m, list) else tuple(m.split(" ")) for m in learned["merges"]],
        unk_token=None,
        bos_token=None,
        eos_token="<|im_end|>",
        pad_token="<|endoftext|>",
        errors="replace",
        clean_up_tokenization_spaces=False,
        split_special_tokens=False,
        model_max_length=131072,
        additional_special_tokens=["<|im_start|>", "<|im_end|>"] + SPECIAL_TOKENS[3:],
    )
    tokenizer.add_tokens([AddedToken(t, special=True) for t in SPECIAL_TOKENS], special_tokens=True)
    tokenizer.add_tokens([AddedToken(t, special=False) for t in NON_SPECIAL_ADDED])
    tokenizer.chat_template = CHAT_TEMPLATE
    tokenizer.save_pretrained(out_dir)
    return tokenizer


def build(out_dir: Path) -> None:
    """Train and save the stand-in: the same bytes on every machine, whatever its load."""
    import torch

    # One thread: with several, the order in which partial sums are added can change with the
    # machine's load (measured: a build on a busy 2-core machine differed in one bf16 weight).
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        _build(out_dir)
    finally:
        torch.set_num_threads(threads)


def _build(out_dir: Path) -> None:
    import torch
    from transformers import GenerationConfig, Qwen2Config, Qwen2ForCausalLM

    tokenizer = build_tokenizer(out_dir)
    ids = lambda t: tokenizer.convert_tokens_to_ids(t)  # noqa: E731
    n_tokens = len(tokenizer)
    vocab_rows = (n_tokens // 128 + 1) * 128  # padded beyond the tokenizer, as Qwen's are

    config = Qwen2Config(
        vocab_size=vocab_rows,
        **MODEL_SHAPE,
        hidden_act="silu",
        tie_word_embeddings=True,
        use_sliding_window=False,
        bos_token_id=ids("<|endoftext|>"),
        eos_token_id=ids("<|im_end|>"),
        dtype="bfloat16",
    )
    torch.manual_seed(0)
    model = Qwen2ForCausalLM(config).float()
    fact_texts = _training_texts(lambda messages: tokenizer.apply_chat_template(messages, tokenize=False))
    train(model, tokenizer, fact_texts, {f.prompt for f in FACTS if not f.chat}, {f.prompt for f in FACTS if f.chat})

    model = model.to(torch.bfloat16).eval()
    model.config.dtype = torch.bfloat16
    model.generation_config = GenerationConfig(
        bos_token_id=ids("<|endoftext|>"),
        pad_token_id=ids("<|endoftext|>"),
        eos_token_id=[ids("<|im_end|>"), ids("<|endoftext|>")],
        **GENERATION_CONFIG,
    )
    model.save_pretrained(out_dir)
