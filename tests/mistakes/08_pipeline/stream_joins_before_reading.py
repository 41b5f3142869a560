"""stream() joins the generation thread before reading the streamer: every piece comes after generation has ended."""
import threading

from transformers import TextIteratorStreamer

from kata.plugin.adapters import reference_functions

globals().update(reference_functions("08_pipeline"))

CAUGHT_BY = "the text was read only after generate() had finished"


def stream(model, tokenizer, messages, max_new_tokens):
    inputs = tokenizer.apply_chat_template(messages, add_generation_prompt=True, return_dict=True,
                                           return_tensors="pt").to(model.device)
    streamer = TextIteratorStreamer(tokenizer, skip_prompt=True, skip_special_tokens=True)
    kwargs = dict(**inputs, streamer=streamer, do_sample=False, max_new_tokens=max_new_tokens)
    thread = threading.Thread(target=model.generate, kwargs=kwargs)
    thread.start()
    thread.join()
    for piece in streamer:
        if piece:
            yield piece
