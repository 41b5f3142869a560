"""greedy_generate() stops at tokenizer.eos_token_id (<|im_end|>) only, not at <|endoftext|>."""
import torch

from kata.plugin.adapters import reference_functions

globals().update(reference_functions("04_decode"))

CAUGHT_BY = "It is not tokenizer.eos_token_id"


@torch.no_grad()
def greedy_generate(model, tokenizer, prompt, max_new_tokens):
    ids = tokenizer(prompt, return_tensors="pt").input_ids.to(model.device)
    start = ids.shape[1]
    for _ in range(max_new_tokens):
        token = model(ids).logits[0, -1].argmax()
        ids = torch.cat([ids, token.view(1, 1)], dim=1)
        if token.item() == tokenizer.eos_token_id:
            break
    return tokenizer.decode(ids[0, start:], skip_special_tokens=True)
