"""Reference solution for 08_pipeline: the notebook's one-liner, opened."""

import threading
from collections.abc import Iterator

from transformers import TextGenerationPipeline, TextIteratorStreamer, pipeline


def make_generator(model, tokenizer) -> TextGenerationPipeline:
    """A text-generation pipeline on the objects already in memory (no second load)."""
    # Objects, not a name: given model.name_or_path, pipeline() would read the weights again.
    return pipeline("text-generation", model=model, tokenizer=tokenizer)


def complete(generator, prompt: str, max_new_tokens: int) -> str:
    """The greedy continuation of a plain prompt, new text only."""
    # do_sample=False: the checkpoint's generation config samples (the notebook's answers varied).
    # return_full_text=False: by default the pipeline hands back prompt + continuation.
    # Nothing else: the config's repetition penalty (1.1) stays, as in model.generate.
    out = generator(prompt, do_sample=False, max_new_tokens=max_new_tokens, return_full_text=False)
    return out[0]["generated_text"]  # one dict per prompt, and we gave one prompt


def chat(generator, messages: list[dict[str, str]], max_new_tokens: int) -> str:
    """The assistant's greedy reply to a conversation."""
    # A list of messages is a conversation: the pipeline renders it with the chat template
    # (generation prompt included) and returns the conversation with the reply appended.
    out = generator(messages, do_sample=False, max_new_tokens=max_new_tokens)
    return out[0]["generated_text"][-1]["content"]


def stream(model, tokenizer, messages: list[dict[str, str]], max_new_tokens: int) -> Iterator[str]:
    """Yield the reply in pieces while the model generates it in a background thread."""
    # What the pipeline does before generating: the chat template, tokenized (exercise 02).
    inputs = tokenizer.apply_chat_template(
        messages, add_generation_prompt=True, return_dict=True, return_tensors="pt"
    ).to(model.device)
    # The streamer decodes new tokens as generate() hands them over and queues printable text;
    # skip the prompt and the special tokens, as the pipeline's decoding does.
    streamer = TextIteratorStreamer(tokenizer, skip_prompt=True, skip_special_tokens=True)
    failure: list[BaseException] = []

    def generate() -> None:
        try:
            model.generate(**inputs, streamer=streamer, do_sample=False, max_new_tokens=max_new_tokens)
        except BaseException as error:  # handed over to the reader below
            failure.append(error)
            streamer.end()  # generate() ends the stream only when it finishes: without this the reader waits forever

    # generate() blocks until the last token: it runs in a thread while this generator reads the queue.
    thread = threading.Thread(target=generate, daemon=True, name="stream-generate")
    thread.start()
    try:
        for piece in streamer:
            if piece:  # the streamer also queues "" while a word is incomplete
                yield piece
    finally:
        thread.join()  # also when the caller stops early: generation ends at max_new_tokens
    if failure:
        raise failure[0]  # the thread's error, in the caller's thread
