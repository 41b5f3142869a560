"""stream() ends the streamer when generation fails, but never raises the error: the caller gets half a reply as if it were whole."""
import threading

from transformers import TextIteratorStreamer

from kata.plugin.adapters import reference_functions

globals().update(reference_functions("08_pipeline"))

CAUGHT_BY = "was swallowed"


def stream(model, tokenizer, messages, max_new_tokens):
    inputs = tokenizer.apply_chat_template(messages, add_generation_prompt=True, return_dict=True,
                                           return_tensors="pt").to(model.device)
    streamer = TextIteratorStreamer(tokenizer, skip_prompt=True, skip_special_tokens=True)

    def generate():
        try:
            model.generate(**inputs, streamer=streamer, do_sample=False, max_new_tokens=max_new_tokens)
        except Exception:
            streamer.end()

    thread = threading.Thread(target=generate, daemon=True)
    thread.start()
    for piece in streamer:
        if piece:
            yield piece
    thread.join()
