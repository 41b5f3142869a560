"""The guided tour: the original notebook's walk-through, replayed on the course model.

``python -m kata.cli.tour`` writes ``notebooks/00_tour.ipynb`` (committed; a test checks that it is
up to date with this file and that it runs end to end on the offline stand-in).
"""

from __future__ import annotations

from types import SimpleNamespace

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from kata.cli.notebooks import KERNELSPEC, NOTEBOOK_DIR

TOUR = NOTEBOOK_DIR / "00_tour.ipynb"

def reference(exercise_id: str) -> SimpleNamespace:
    """The course's reference functions of one exercise, to call by name: the tour shows what each
    step does and gives back, the exercise is where you write how (so the tour shows no solution)."""
    from kata.plugin.adapters import reference_functions

    return SimpleNamespace(**reference_functions(exercise_id))


# (markdown, code) pairs, in the order of the original notebook. Each step asks a prediction first.
STEPS = [
    (
        "# A tour of Qwen2.5-0.5B-Instruct · 深入理解 Transformer LLM 导览\n"
        "The original notebook's steps, one cell each, on the model the course uses: the real "
        "Qwen2.5-0.5B-Instruct when it is in your Hugging Face cache, otherwise the tiny offline "
        "stand-in (same conventions, much smaller, so its sizes differ). Each step runs through the "
        "course's reference functions, called by name: you see what a step does and returns; the exercise "
        "named in the step is where you write how. Before each cell, write down your prediction.\n\n"
        "原笔记本的每一步各占一个单元格，运行在课程使用的模型上。每一步都通过课程的参考函数按名字调用："
        "这里只看它做什么、返回什么；怎么做，要在对应的练习里自己写。运行每个单元格之前，先写下你的预测。\n\n"
        "## 0. Load the model · 加载模型 (01_load)\n"
        "**Predict:** how many decoder layers does `print(model)` list? **先预测：** 会列出几个解码层？",
        "from kata.cli.notebooks import course_model\n"
        "from kata.cli.tour import reference\n\n"
        "model, tokenizer, device, model_id = course_model()\n"
        "print(model)\n"
        "print(reference(\"01_load\").describe(model))",
    ),
    (
        "## 1. The text-generation pipeline · 文本生成管道 (08_pipeline)\n"
        "**Predict:** given the bare question (no chat template), does the model answer it or continue it? "
        "**先预测：** 只给问题本身（不套对话模板），模型会回答，还是接着往下写？",
        "steps = reference(\"08_pipeline\")\n"
        "generator = steps.make_generator(model, tokenizer)\n"
        "question = \"《梦游天姥吟留别》的作者是谁\"\n"
        "print(steps.complete(generator, question, max_new_tokens=50))",
    ),
    (
        "## 2. Plain prompt vs chat template · 普通提示词与对话模板 (02_chat)\n"
        "**Predict:** which special tokens surround each turn of the text the model reads? "
        "**先预测：** 模型读到的文本里，每一轮对话前后是哪些特殊 token？",
        "chat = reference(\"02_chat\")\n"
        "messages = chat.make_messages(question, system=\"你是一个很有用的助手\")\n"
        "print(chat.render_chat(tokenizer, messages))\n"
        "print(\"answer:\", steps.chat(generator, messages, max_new_tokens=50))",
    ),
    (
        "## 3. Hidden states: `model.model` · 隐藏状态 (03_logits)\n"
        "**Predict:** the shape of the hidden states for this prompt (`[1, 6, 896]` on the real model, typo "
        "included; the stand-in is smaller). **先预测：** 这个提示词的隐藏状态是什么形状？",
        "import torch\n\n"
        "logits_steps = reference(\"03_logits\")\n"
        "input_ids = logits_steps.encode(tokenizer, \"The captial of France is\", device)\n"
        "with torch.no_grad():\n"
        "    hidden = logits_steps.hidden_states(model, input_ids)\n"
        "print(input_ids.shape, hidden.shape)",
    ),
    (
        "## 4. Logits: `model.lm_head` · 输出层 (03_logits)\n"
        "**Predict:** the shape of the scores (`[1, 6, 151936]` on the real model), and whether they equal "
        "`model(input_ids).logits`. **先预测：** 分数的形状？和 `model(input_ids).logits` 完全相等吗？",
        "with torch.no_grad():\n"
        "    scores = logits_steps.to_logits(model, hidden)\n"
        "    print(scores.shape, torch.equal(scores, model(input_ids).logits))",
    ),
    (
        "## 5. The most likely next token · 贪心选择下一个 token (04_decode)\n"
        "**Predict:** the token with the highest score after \"The captial of France is\". "
        "**先预测：** 得分最高的下一个 token 是什么？",
        "next_id = reference(\"04_decode\").argmax_token(logits_steps.last_token_logits(scores))\n"
        "print(next_id, repr(tokenizer.decode([next_id])))",
    ),
    (
        "## 6. `model.generate` · 生成 (04_decode)\n"
        "With no flags, generate() follows the checkpoint's generation config, which samples; "
        "`do_sample=False` is greedy (but still applies its repetition penalty of 1.1).\n"
        "**Predict:** which settings in the generation config make two runs differ? "
        "**先预测：** 生成配置里哪些设置会让两次运行结果不同？",
        "print(model.generation_config)\n"
        "attention_mask = torch.ones_like(input_ids)\n"
        "out = model.generate(input_ids, attention_mask=attention_mask, max_new_tokens=20, do_sample=False)\n"
        "print(repr(tokenizer.decode(out[0, input_ids.shape[1]:])))",
    ),
    (
        "## 7. With and without the KV cache · 有无 KV 缓存的速度 (05_kv_cache)\n"
        "The notebook timed 1000 new tokens; 32 are enough to see the difference. Both loops are warmed "
        "up, run without gradients and make the same tokens.\n"
        "**Predict:** how many positions does the model process for 32 new tokens with the cache? without? "
        "**先预测：** 生成 32 个新 token，有缓存时模型一共处理多少个位置？没有缓存时呢？",
        "print(reference(\"05_kv_cache\").time_generation(model, input_ids, max_new_tokens=32))",
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
