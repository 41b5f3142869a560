"""Exercise 08_pipeline: the notebook's one-liner, opened.

Lesson: exercises/08_pipeline/README.md (中文: README.zh.md)
Check:  pytest exercises/08_pipeline     (or: kata check 08)
Hints:  kata hint 08

The notebook got every answer from one line, `pipeline("text-generation", model=model,
tokenizer=tokenizer)`. Here you use that pipeline on purpose (greedy, the new text only, a
conversation through the chat template), then stream a reply piece by piece the way a chat
window shows it. Each function gets everything it needs as arguments; do not load a model here.

Useful imports: `from transformers import pipeline, TextIteratorStreamer` and `import threading`.
"""

from collections.abc import Iterator

from transformers import TextGenerationPipeline


def make_generator(model, tokenizer) -> TextGenerationPipeline:
    """A text-generation pipeline on the model and tokenizer ALREADY in memory.

    Returns a `transformers.TextGenerationPipeline` whose `.model` is `model` itself and whose
    `.tokenizer` is `tokenizer` itself: hand over the objects, not a name to load again.
    """
    raise NotImplementedError("08_pipeline: implement make_generator() — see exercises/08_pipeline/README.md, step 1")


def complete(generator, prompt: str, max_new_tokens: int) -> str:
    """Continue a plain prompt, greedily; return ONLY the new text.

    The same text as decoding what `model.generate(**tokenizer(prompt, return_tensors="pt"),
    do_sample=False, max_new_tokens=max_new_tokens)` adds after the prompt: greedy, with the
    checkpoint's own generation config otherwise (its repetition penalty of 1.1 stays on), and
    special tokens left out. The pipeline's defaults differ in two ways: find them.
    """
    raise NotImplementedError("08_pipeline: implement complete() — see exercises/08_pipeline/README.md, step 2")


def chat(generator, messages: list[dict[str, str]], max_new_tokens: int) -> str:
    """The assistant's greedy reply to a conversation, as a string.

    messages: `[{"role": "system", "content": ...}, {"role": "user", "content": ...}, ...]`.
    The pipeline applies the tokenizer's chat template when it is given a list of messages.
    Returns the reply's text only (not the conversation, not the prompt), equal to decoding
    `model.generate(do_sample=False, max_new_tokens=max_new_tokens)` on the chat-templated prompt.
    """
    raise NotImplementedError("08_pipeline: implement chat() — see exercises/08_pipeline/README.md, step 3")


def stream(model, tokenizer, messages: list[dict[str, str]], max_new_tokens: int) -> Iterator[str]:
    """Yield the same reply as `chat`, in pieces, AS THE MODEL GENERATES THEM.

    A generator function: `for piece in stream(...): print(piece, end="")`. The pieces joined
    equal chat's reply (greedy, special tokens left out, no prompt). The first piece must come
    out while the model is still generating, not after it has finished: run `model.generate`
    with a `TextIteratorStreamer` in a background thread and read the streamer here.
    If generation fails in that thread, this function must raise the error (never hang).
    """
    raise NotImplementedError("08_pipeline: implement stream() — see exercises/08_pipeline/README.md, step 4")
