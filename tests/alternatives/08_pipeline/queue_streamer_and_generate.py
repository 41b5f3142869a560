"""A correct version that does without the pipeline's call and without TextIteratorStreamer.

complete() runs generator.model.generate itself and decodes the new ids (what the pipeline does
inside); stream() hands generate() its own BaseStreamer, which decodes every new token into a queue
and holds back text that ends in half a character. The thread's error comes through the queue.
"""
import queue
import threading

from transformers.generation.streamers import BaseStreamer

from kata.plugin.adapters import reference_functions

globals().update(reference_functions("08_pipeline"))

_END = object()


def complete(generator, prompt, max_new_tokens):
    model, tokenizer = generator.model, generator.tokenizer
    inputs = tokenizer(prompt, return_tensors="pt").to(model.device)
    out = model.generate(**inputs, do_sample=False, max_new_tokens=max_new_tokens)
    return tokenizer.decode(out[0, inputs.input_ids.shape[1]:], skip_special_tokens=True)


class _QueueStreamer(BaseStreamer):
    """put() gets the prompt first, then one token per step: queue the text that became printable."""

    def __init__(self, tokenizer):
        self.tokenizer, self.pieces, self.ids, self.shown, self.prompt_seen = tokenizer, queue.Queue(), [], 0, False

    def put(self, value):
        if not self.prompt_seen:
            self.prompt_seen = True
            return
        self.ids += value.flatten().tolist()
        text = self.tokenizer.decode(self.ids, skip_special_tokens=True)
        if not text.endswith("\ufffd"):  # a character split over tokens: wait for the rest of its bytes
            self.pieces.put(text[self.shown:])
            self.shown = len(text)

    def end(self):
        self.pieces.put(self.tokenizer.decode(self.ids, skip_special_tokens=True)[self.shown:])
        self.pieces.put(_END)


def stream(model, tokenizer, messages, max_new_tokens):
    inputs = tokenizer.apply_chat_template(messages, add_generation_prompt=True, return_dict=True,
                                           return_tensors="pt").to(model.device)
    streamer = _QueueStreamer(tokenizer)

    def generate():
        try:
            model.generate(**inputs, streamer=streamer, do_sample=False, max_new_tokens=max_new_tokens)
        except BaseException as error:  # handed to the reader through the queue
            streamer.pieces.put(error)
            streamer.pieces.put(_END)

    thread = threading.Thread(target=generate, daemon=True)
    thread.start()
    failure = None
    for piece in iter(streamer.pieces.get, _END):
        if isinstance(piece, BaseException):
            failure = piece
        elif piece:
            yield piece
    thread.join()
    if failure is not None:
        raise failure
