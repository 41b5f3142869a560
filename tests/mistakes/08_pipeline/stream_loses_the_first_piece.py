"""stream() reads one piece before its loop to skip the prompt, which skip_prompt already did: the reply's start is lost."""
import threading

from transformers import TextIteratorStreamer

from kata.plugin.adapters import reference_functions

globals().update(reference_functions("08_pipeline"))

CAUGHT_BY = "is missing"


def stream(model, tokenizer, messages, max_new_tokens):
    inputs = tokenizer.apply_chat_template(messages, add_generation_prompt=True, return_dict=True,
                                           return_tensors="pt").to(model.device)
    streamer = TextIteratorStreamer(tokenizer, skip_prompt=True, skip_special_tokens=True)
    kwargs = dict(**inputs, streamer=streamer, do_sample=False, max_new_tokens=max_new_tokens)
    thread = threading.Thread(target=model.generate, kwargs=kwargs)
    thread.start()
    next(streamer)  # "skip the prompt"
    for piece in streamer:
        if piece:
            yield piece
    thread.join()
