"""greedy_generate() feeds only the newest token at each step, without a cache."""
import torch

from kata.plugin.adapters import reference_functions

globals().update(reference_functions("04_decode"))

CAUGHT_BY = "forgets the prompt"


@torch.no_grad()
def greedy_generate(model, tokenizer, prompt, max_new_tokens):
    eos = model.generation_config.eos_token_id
    eos = [eos] if isinstance(eos, int) else eos
    ids = tokenizer(prompt, return_tensors="pt").input_ids.to(model.device)
    new = []
    for _ in range(max_new_tokens):
        token = int(model(ids).logits[0, -1].argmax())
        new.append(token)
        ids = torch.tensor([[token]], device=model.device)
        if token in eos:
            break
    return tokenizer.decode(new, skip_special_tokens=True)
