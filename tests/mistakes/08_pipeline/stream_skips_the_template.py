"""stream() tokenizes the user's text alone: no chat template, so the model continues the text."""
import threading

from transformers import TextIteratorStreamer

from kata.plugin.adapters import reference_functions

globals().update(reference_functions("08_pipeline"))

CAUGHT_BY = "chat-templated"


def stream(model, tokenizer, messages, max_new_tokens):
    inputs = tokenizer(messages[-1]["content"], return_tensors="pt").to(model.device)
    streamer = TextIteratorStreamer(tokenizer, skip_prompt=True, skip_special_tokens=True)
    kwargs = dict(**inputs, streamer=streamer, do_sample=False, max_new_tokens=max_new_tokens)
    thread = threading.Thread(target=model.generate, kwargs=kwargs)
    thread.start()
    for piece in streamer:
        if piece:
            yield piece
    thread.join()
