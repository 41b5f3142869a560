"""The offline stand-in for Qwen/Qwen2.5-0.5B-Instruct.

A tiny but genuine ``Qwen2ForCausalLM`` with a Qwen-style byte-level BPE tokenizer, shipped with
the course in ``kata/standin_model/`` (a few hundred KB) and loaded through the very same
``from_pretrained(directory)`` path as the real checkpoint: a learner's machine never trains it,
so every learner gets the same weights. It mirrors what the exercises can observe of the real
model: tied embeddings, grouped-query attention, q/k/v biases, bf16 weights, padded embedding
rows, the special tokens and ChatML template, the generation config, and the answers the
original notebook printed. It was trained (``kata.model.standin_training``) to memorise the facts
listed in ``FACTS`` and to answer anything else with one sentence saying what it is
(``kata.model.standin_unknown``).

``python -m kata.model.standin build`` rebuilds the files from the recipe (deterministic, about 10 s
on one core) and records in ``recipe.json`` a hash of the recipe's data and the torch and
transformers that built them; the project's tests say when the recipe changed without a rebuild.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
import shutil
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from kata.course.texts import (
    DEFAULT_SYSTEM,
    FRANCE_PROMPT,
    NOTEBOOK_QUESTION,
    NOTEBOOK_SYSTEM,
    PENALTY_PROMPT,
    SPREAD_PROMPT,
    TYPO_PROMPT,
)
from kata.model import standin_training, standin_unknown
from kata.model.standin_training import WEIGHT_SEED, train, train_tokenizer
from kata.model.standin_unknown import SELF_DESCRIPTION

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


# --- the shipped files --------------------------------------------------------------------------

MODEL_DIR = Path(__file__).with_name("standin_model")
RECORD = "recipe.json"  # beside the files: the recipe's hash and the versions that built them


def standin_dir() -> Path:
    """The stand-in's directory, inside the package: read, never written, on a learner's machine."""
    return MODEL_DIR


def ensure_standin() -> Path:
    """The stand-in's directory (it ships with the course, so there is nothing to build)."""
    return standin_dir()


def default_cache_root() -> Path:
    """Where the course caches what it makes on a learner's machine (e.g. the bench's shape model)."""
    if os.environ.get("KATA_CACHE"):
        return Path(os.environ["KATA_CACHE"]).expanduser()
    base = os.environ.get("XDG_CACHE_HOME") or (
        os.environ.get("LOCALAPPDATA") if os.name == "nt" else None
    ) or Path.home() / ".cache"
    return Path(base) / "llm-kata"


def recipe() -> dict:
    """Everything the stand-in is made from, as plain data (the code that uses it aside)."""
    return {
        "facts": [dataclasses.asdict(fact) for fact in FACTS],
        "model_shape": MODEL_SHAPE,
        "bpe_vocab_size": BPE_VOCAB_SIZE,
        "special_tokens": SPECIAL_TOKENS,
        "non_special_added": NON_SPECIAL_ADDED,
        "chat_template": CHAT_TEMPLATE,
        "generation_config": GENERATION_CONFIG,
        "tokenizer_corpus": tokenizer_corpus(),
        "unknown_prompts": standin_unknown.settings(),
        "training": standin_training.settings(),
    }


def recipe_hash() -> str:
    """A hash of the recipe's values, not of its files: moving or reformatting code keeps it."""
    data = json.dumps(recipe(), sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(data.encode("utf-8")).hexdigest()


def recorded() -> dict:
    """What ``python -m kata.model.standin build`` recorded: recipe_hash, torch, transformers."""
    return json.loads((MODEL_DIR / RECORD).read_text(encoding="utf-8"))


def rebuild(target: Path = MODEL_DIR) -> dict:
    """Build the stand-in into ``target`` (its old files replaced) and record how; returns the record."""
    import torch
    import transformers

    from kata.core.hfutil import quiet_transformers

    with tempfile.TemporaryDirectory() as tmp, quiet_transformers():
        build(Path(tmp))
        if target.exists():
            shutil.rmtree(target)
        target.mkdir(parents=True)
        for path in sorted(Path(tmp).iterdir()):
            shutil.copyfile(path, target / path.name)  # copyfile: the package's file modes, not tempfile's
    record = {"recipe_hash": recipe_hash(), "torch": torch.__version__, "transformers": transformers.__version__}
    (target / RECORD).write_text(json.dumps(record, indent=2) + "\n", encoding="utf-8")
    return record


def main(argv: list[str] | None = None) -> int:
    """``python -m kata.model.standin build``: the developer's command after a change to the recipe."""
    if (sys.argv[1:] if argv is None else argv) != ["build"]:
        print("usage: python -m kata.model.standin build    (rebuilds kata/standin_model/ from the recipe)")
        return 2
    start = time.perf_counter()
    record = rebuild()
    print(f"built {MODEL_DIR} in {time.perf_counter() - start:.1f} s: recipe {record['recipe_hash'][:12]}, "
          f"torch {record['torch']}, transformers {record['transformers']}")
    return 0


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


def tokenizer_corpus() -> list[str]:
    """The texts the tokenizer's merges are learned from."""
    corpus = [TOKENIZER_CORPUS] + [f.prompt + f.completion for f in FACTS for _ in range(4)]
    # Frequent, so few tokens each: shorter rows, a faster build.
    return corpus + [SELF_DESCRIPTION, DEFAULT_SYSTEM, "system\nuser\nassistant\n"] * 8


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

    tokenizer = train_tokenizer(tokenizer_corpus(), BPE_VOCAB_SIZE, SPECIAL_TOKENS, NON_SPECIAL_ADDED, CHAT_TEMPLATE)
    tokenizer.save_pretrained(out_dir)
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
    torch.manual_seed(WEIGHT_SEED)
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


if __name__ == "__main__":
    sys.exit(main())
