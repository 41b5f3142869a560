"""add_request() queues whatever it gets: a duplicate id, an empty prompt, a prompt larger than the pool."""
# ruff: noqa: F821  (the reference's names arrive through globals() below)

from kata.plugin.adapters import reference_functions

globals().update(reference_functions("11_serve"))

CAUGHT_BY = 'add_request checks its input first'


class Engine(Engine):
    def add_request(self, request_id, prompt_ids, max_new_tokens, eos_token_id=None):
        eos = set() if eos_token_id is None else {eos_token_id} if isinstance(eos_token_id, int) else set(eos_token_id)
        request = Request(request_id, list(prompt_ids), max_new_tokens, eos)
        self.requests[request_id] = request
        if max_new_tokens > 0:
            self.waiting.append(request)
