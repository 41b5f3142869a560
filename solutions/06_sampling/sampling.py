"""Reference solution for 06_sampling: from scores to a choice."""

import torch

# What generate() falls back to when neither the caller nor the checkpoint's generation_config
# sets an option (GenerationConfig's global defaults). Qwen2.5 sets all four, so they never apply.
LIBRARY_DEFAULTS = {"temperature": 1.0, "top_k": 50, "top_p": 1.0, "repetition_penalty": 1.0}


def apply_temperature(logits: torch.Tensor, temperature: float) -> torch.Tensor:
    """Scores divided by the temperature: < 1 sharpens the distribution, > 1 flattens it."""
    # A zero temperature would divide by 0 (inf / nan scores); a negative one reverses the ranking.
    if not temperature > 0:
        raise ValueError(
            f"temperature must be > 0, got {temperature}. For greedy decoding use argmax (do_sample=False) "
            "instead of a temperature of 0."
        )
    return logits / temperature  # a new tensor: the caller's scores stay as they were


def top_k_filter(logits: torch.Tensor, k: int) -> torch.Tensor:
    """Every score below the k-th best of its row becomes -inf; ties with the k-th stay."""
    k = min(k, logits.shape[-1])
    kth_best = torch.topk(logits, k, dim=-1).values[..., -1:]  # [batch, 1]
    # -inf, not 0: softmax turns -inf into probability 0, while a 0 score would still be drawn.
    return logits.masked_fill(logits < kth_best, float("-inf"))


def top_p_filter(logits: torch.Tensor, p: float) -> torch.Tensor:
    """Keep the smallest set of best tokens whose probabilities add up to at least p (one at least)."""
    # Sorted from worst to best, as transformers does: a token goes when everything up to it
    # (itself included) holds at most 1 - p of the probability, so the token that crosses p stays.
    sorted_logits, order = torch.sort(logits, dim=-1, descending=False)
    cumulative = sorted_logits.softmax(dim=-1).cumsum(dim=-1)
    remove_sorted = cumulative <= 1 - p
    remove_sorted[..., -1] = False  # the best token always stays, whatever p
    remove = remove_sorted.scatter(-1, order, remove_sorted)  # back to vocabulary order
    return logits.masked_fill(remove, float("-inf"))


def apply_repetition_penalty(logits: torch.Tensor, input_ids: torch.Tensor, penalty: float) -> torch.Tensor:
    """Make the tokens already in `input_ids` less likely: positive scores / penalty, negative * penalty."""
    seen = torch.gather(logits, -1, input_ids)  # [batch, seq]: each seen token's score, repeats included
    # Dividing a negative score would RAISE it toward 0, so negative scores are multiplied instead.
    penalised = torch.where(seen < 0, seen * penalty, seen / penalty)
    # scatter (not scatter_) writes into a copy; a token seen twice gets the same value twice: penalised once.
    return logits.scatter(-1, input_ids, penalised)


def sample_next(logits: torch.Tensor, generator: torch.Generator | None = None) -> torch.Tensor:
    """One id per row, [batch, 1], drawn from softmax(logits)."""
    probs = torch.softmax(logits, dim=-1)
    # generator=None: torch's global random generator, the one torch.manual_seed seeds.
    return torch.multinomial(probs, num_samples=1, generator=generator)


def _eos_ids(eos_token_id) -> set[int]:
    """`None`, one id or a list of ids -> a set of ids (empty: never stop early)."""
    if eos_token_id is None:
        return set()
    if isinstance(eos_token_id, int):
        return {eos_token_id}
    return {int(i) for i in eos_token_id}


def _option(model, name: str, value):
    """The caller's value, else the checkpoint's generation_config, else the library's default."""
    if value is None:
        value = getattr(model.generation_config, name, None)
    return LIBRARY_DEFAULTS[name] if value is None else value


@torch.no_grad()
def generate_sampled(
    model,
    input_ids,
    max_new_tokens: int,
    *,
    temperature=None,
    top_k=None,
    top_p=None,
    repetition_penalty=None,
    eos_token_id=None,
):
    """Sampled new ids [1, n] with the KV cache, exactly as model.generate(do_sample=True, ...)."""
    temperature = _option(model, "temperature", temperature)
    top_k = _option(model, "top_k", top_k)
    top_p = _option(model, "top_p", top_p)
    penalty = _option(model, "repetition_penalty", repetition_penalty)
    eos = _eos_ids(eos_token_id)

    ids = input_ids  # prompt + new tokens: the penalty looks at all of them
    out = model(input_ids, use_cache=True, logits_to_keep=1)  # prefill
    for step in range(max_new_tokens):
        # generate() works on a float32 copy of the last position's scores, whatever the model's dtype.
        scores = out.logits[:, -1].float()
        # generate()'s order: penalty, temperature, top-k, top-p (a setting that changes nothing is skipped).
        if penalty != 1.0:
            scores = apply_repetition_penalty(scores, ids, penalty)
        if temperature != 1.0:
            scores = apply_temperature(scores, temperature)
        if top_k:
            scores = top_k_filter(scores, top_k)
        if top_p < 1.0:
            scores = top_p_filter(scores, top_p)
        next_ids = sample_next(scores)  # exactly one draw per step, from the global RNG
        ids = torch.cat([ids, next_ids], dim=1)
        if step + 1 == max_new_tokens or int(next_ids) in eos:
            break
        out = model(next_ids, cache=out.cache, use_cache=True)  # one new position per step
    return ids[:, input_ids.shape[1]:]
