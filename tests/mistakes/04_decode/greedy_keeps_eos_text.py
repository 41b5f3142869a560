"""greedy_generate() decodes the new ids with the eos token left in the text."""
import torch

from kata.plugin.adapters import reference_functions

globals().update(reference_functions("04_decode"))

CAUGHT_BY = "the eos token is in the text"


@torch.no_grad()
def greedy_generate(model, tokenizer, prompt, max_new_tokens):
    eos = model.generation_config.eos_token_id
    eos = [eos] if isinstance(eos, int) else eos
    ids = tokenizer(prompt, return_tensors="pt").input_ids.to(model.device)
    start = ids.shape[1]
    for _ in range(max_new_tokens):
        token = model(ids).logits[0, -1].argmax()
        ids = torch.cat([ids, token.view(1, 1)], dim=1)
        if token.item() in eos:
            break
    return tokenizer.decode(ids[0, start:])
