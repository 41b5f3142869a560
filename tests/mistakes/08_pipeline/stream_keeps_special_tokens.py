"""stream() creates the streamer without skip_special_tokens: the reply ends with <|im_end|>."""
import threading

from transformers import TextIteratorStreamer

from kata.plugin.adapters import reference_functions

globals().update(reference_functions("08_pipeline"))

CAUGHT_BY = "skip_special_tokens=True"


def stream(model, tokenizer, messages, max_new_tokens):
    inputs = tokenizer.apply_chat_template(messages, add_generation_prompt=True, return_dict=True,
                                           return_tensors="pt").to(model.device)
    streamer = TextIteratorStreamer(tokenizer, skip_prompt=True)
    kwargs = dict(**inputs, streamer=streamer, do_sample=False, max_new_tokens=max_new_tokens)
    thread = threading.Thread(target=model.generate, kwargs=kwargs)
    thread.start()
    for piece in streamer:
        if piece:
            yield piece
    thread.join()
