"""serve() steps the engine as many times as the longest max_new_tokens, as if nobody ever waited."""
# ruff: noqa: F821  (the reference's names arrive through globals() below)

from kata.plugin.adapters import reference_functions

globals().update(reference_functions("11_serve"))

CAUGHT_BY = 'call step() until has_unfinished() is False'


def serve(model, requests, num_blocks, block_size, max_batch):
    engine = Engine(model, num_blocks, block_size, max_batch)
    for request_id, prompt_ids, max_new_tokens in requests:
        engine.add_request(request_id, prompt_ids, max_new_tokens)
    for _ in range(max(n for _, _, n in requests)):
        engine.step()
    return engine.outputs()
