"""The guided tour: the original notebook's walk-through, replayed on the course model.

``python -m kata.tour`` writes ``notebooks/00_tour.ipynb`` (committed; a test checks that it is
up to date with this file and that it runs end to end on the offline stand-in).
"""

from __future__ import annotations

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from kata.notebooks import KERNELSPEC, NOTEBOOK_DIR

TOUR = NOTEBOOK_DIR / "00_tour.ipynb"

# (markdown, code) pairs, in the order of the original notebook.
STEPS = [
    (
        "# A tour of Qwen2.5-0.5B-Instruct · 深入理解 Transformer LLM 导览\n"
        "The original notebook's steps, one cell each, on the model the course uses: the real "
        "Qwen2.5-0.5B-Instruct when it is in your Hugging Face cache, otherwise the tiny offline "
        "stand-in (same conventions, much smaller, so its sizes differ). The exercises make you "
        "build each of these steps yourself.\n\n"
        "## 0. Load the model · 加载模型",
        "from kata.notebooks import course_model\n\n"
        "model, tokenizer, device, model_id = course_model()\n"
        "print(model)",
    ),
    (
        "## 1. The text-generation pipeline · 文本生成管道\n"
        "A plain prompt is continued as text: Qwen2.5 continues this question like an exam paper.",
        "from transformers import pipeline\n\n"
        "generator = pipeline(\"text-generation\", model=model, tokenizer=tokenizer)\n"
        "question = \"《梦游天姥吟留别》的作者是谁\"\n"
        "out = generator(question, return_full_text=False, max_new_tokens=50, do_sample=False)\n"
        "print(out[0][\"generated_text\"])",
    ),
    (
        "## 2. Plain prompt vs chat template · 普通提示词与对话模板\n"
        "Wrapped in the chat template (ChatML), the same question gets an answer. This is the exact "
        "text the model reads:",
        "messages = [\n"
        "    {\"role\": \"system\", \"content\": \"你是一个很有用的助手\"},\n"
        "    {\"role\": \"user\", \"content\": question},\n"
        "]\n"
        "print(tokenizer.apply_chat_template(messages, tokenize=False, add_generation_prompt=True))\n"
        "out = generator(messages, return_full_text=False, max_new_tokens=50, do_sample=False)\n"
        "print(\"answer:\", out[0][\"generated_text\"])",
    ),
    (
        "## 3. Hidden states: `model.model` · 隐藏状态\n"
        "The transformer body turns each token into a vector of `hidden_size` numbers "
        "(`[1, 6, 896]` on the real model for this prompt, typo included).",
        "import torch\n\n"
        "input_ids = tokenizer(\"The captial of France is\", return_tensors=\"pt\").input_ids.to(device)\n"
        "with torch.no_grad():\n"
        "    hidden = model.model(input_ids).last_hidden_state\n"
        "print(input_ids.shape, hidden.shape)",
    ),
    (
        "## 4. Logits: `model.lm_head` · 输出层\n"
        "The head scores every vocabulary entry at every position (`[1, 6, 151936]` on the real model).",
        "with torch.no_grad():\n"
        "    logits = model.lm_head(hidden)\n"
        "print(logits.shape)\n"
        "print(torch.equal(logits, model(input_ids).logits))",
    ),
    (
        "## 5. The most likely next token · 贪心选择下一个 token",
        "next_id = int(logits[0, -1].argmax())\n"
        "print(next_id, repr(tokenizer.decode([next_id])))",
    ),
    (
        "## 6. `model.generate` · 生成\n"
        "With no flags, generate() follows the checkpoint's generation config, which samples; "
        "`do_sample=False` is greedy (but still applies its repetition penalty of 1.1).",
        "print(model.generation_config)\n"
        "attention_mask = torch.ones_like(input_ids)\n"
        "out = model.generate(input_ids, attention_mask=attention_mask, max_new_tokens=20, do_sample=False)\n"
        "print(repr(tokenizer.decode(out[0, input_ids.shape[1]:])))",
    ),
    (
        "## 7. With and without the KV cache · 有无 KV 缓存的速度\n"
        "The notebook timed 1000 new tokens; 32 are enough to see the difference. Both runs are "
        "warmed up, without gradients, and must produce the same tokens (exercise 05 builds both loops).",
        "import time\n\n"
        "def timed(use_cache, n=32):\n"
        "    settings = dict(attention_mask=attention_mask, max_new_tokens=n, min_new_tokens=n,\n"
        "                    do_sample=False, repetition_penalty=1.0, use_cache=use_cache)\n"
        "    with torch.no_grad():\n"
        "        model.generate(input_ids, **settings)  # warm-up\n"
        "        start = time.perf_counter()\n"
        "        tokens = model.generate(input_ids, **settings)\n"
        "    return time.perf_counter() - start, tokens\n\n"
        "cached_s, with_cache = timed(True)\n"
        "uncached_s, without_cache = timed(False)\n"
        "print(f\"cached {cached_s:.3f} s, uncached {uncached_s:.3f} s, speedup {uncached_s / cached_s:.1f}x\")\n"
        "print(\"same tokens:\", torch.equal(with_cache, without_cache))",
    ),
]


def build() -> nbformat.NotebookNode:
    cells = []
    for markdown, code in STEPS:
        cells += [new_markdown_cell(markdown), new_code_cell(code)]
    # Fixed ids keep the committed file identical from one generation to the next.
    for number, cell in enumerate(cells):
        cell["id"] = f"tour-{number:02d}"
    nb = new_notebook(cells=cells, metadata={"kernelspec": KERNELSPEC, "language_info": {"name": "python"}})
    nbformat.validate(nb)
    return nb


def render() -> str:
    return nbformat.writes(build()) + "\n"


if __name__ == "__main__":
    TOUR.parent.mkdir(parents=True, exist_ok=True)
    TOUR.write_text(render(), encoding="utf-8")
    print(f"wrote {TOUR}")
