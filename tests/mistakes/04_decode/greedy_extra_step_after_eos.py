"""greedy_generate() checks for eos only at the top of the next step, after another forward pass."""
import torch

from kata.plugin.adapters import reference_functions

globals().update(reference_functions("04_decode"))

CAUGHT_BY = "with no extra step"


@torch.no_grad()
def greedy_generate(model, tokenizer, prompt, max_new_tokens):
    eos = model.generation_config.eos_token_id
    eos = [eos] if isinstance(eos, int) else eos
    ids = tokenizer(prompt, return_tensors="pt").input_ids.to(model.device)
    new = []
    while True:
        token = int(model(ids).logits[0, -1].argmax())
        if len(new) == max_new_tokens or (new and new[-1] in eos):
            break
        new.append(token)
        ids = torch.cat([ids, ids.new_tensor([[token]])], dim=1)
    return tokenizer.decode(new, skip_special_tokens=True)
