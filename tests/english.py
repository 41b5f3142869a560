"""Finding English sentences in a Chinese failure report.

What may stay English in Chinese text: code spans (`...`), quoted strings (the model's text, prompts,
reprs), identifiers and calls (model.generate(...), input_ids), paths, numbers, and the learner's
own exception text. Anything else of three or more English words in a row is a sentence the course
forgot to translate.
"""

from __future__ import annotations

import re

_ALLOWED = [
    re.compile(r"`[^`\n]*`"),  # code spans
    re.compile(r"抛出了 [\w.]+：[^\n]*"),  # "your code raised X: <the learner's own exception text>"
    re.compile(r"第 \d+ 行：[^\n]*"),  # "..., line N: <the learner's own statement>"
    re.compile(r"'(?:[^'\\\n]|\\.)*'"),  # quoted strings: the model's text, prompts, reprs
    re.compile(r'"(?:[^"\\\n]|\\.)*"'),
    re.compile(r"^[ \t]*[\w.]+\([^#\n]*", re.M),  # a line that is a call, as code (its # note is text)
    re.compile(r"[\w./\\-]+\.(?:py|md|toml|json|ipynb)\b"),  # paths
    re.compile(r"\b[\w]+(?:[._][\w]+)+(?:\([^)\n]*\))?"),  # identifiers with . or _ (model.lm_head, input_ids)
    re.compile(r"\b\w+\([^)\n]*\)"),  # calls
    re.compile(r"\b[A-Z]\w*(?:Error|Exception|Warning|Interrupt): [^\n]*"),  # a library's own exception text
    re.compile(r"\b[A-Za-z]+[a-z0-9]*[A-Z0-9]\w*"),  # CamelCase and digit-bearing names: Qwen2ForCausalLM, bfloat16
    re.compile(r"\d[\d.,e+-]*"),  # numbers
]
_SENTENCE = re.compile(r"[A-Za-z][A-Za-z'’-]*(?:[ ,;:]+[A-Za-z][A-Za-z'’-]*){2,}")


def english_sentences(text: str) -> list[str]:
    """Runs of three or more English words outside what may stay English."""
    for pattern in _ALLOWED:
        text = pattern.sub(" ", text)
    return [m.group(0) for m in _SENTENCE.finditer(text)]
