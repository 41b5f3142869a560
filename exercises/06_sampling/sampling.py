"""Exercise 06_sampling: from scores to a choice — sampling, the way model.generate does it.

Lesson: exercises/06_sampling/README.md (中文: README.zh.md)
Check:  pytest exercises/06_sampling     (or: kata check 06)
Hints:  kata hint 06

Each function gets everything it needs as arguments; do not load a model here.

The four score processors take float scores of shape [batch, vocab_size] (one row per
sequence) and return a NEW tensor of the same shape: never edit `logits` in place (no `/=`,
no `masked_fill_`, no `scatter_`, no `logits[...] = ...` on the caller's tensor). Each must
equal transformers' own class (transformers.generation.logits_process) on the same input.
"""

import torch


def apply_temperature(logits: torch.Tensor, temperature: float) -> torch.Tensor:
    """The scores divided by `temperature` (transformers' TemperatureLogitsWarper).

    temperature < 1 sharpens the distribution (the best token gets likelier), > 1 flattens it,
    1 leaves it as it is. A temperature <= 0 makes no sense: raise a ValueError whose message
    says so (and names the temperature it got).
    """
    raise NotImplementedError("06_sampling: implement apply_temperature() — see exercises/06_sampling/README.md, step 1")


def top_k_filter(logits: torch.Tensor, k: int) -> torch.Tensor:
    """Keep the k best scores of each row; every score below the k-th best becomes -inf.

    Ties with the k-th best score are kept (so a row may keep more than k tokens), as
    transformers' TopKLogitsWarper(k) does. -inf, not 0: softmax turns -inf into probability 0.
    """
    raise NotImplementedError("06_sampling: implement top_k_filter() — see exercises/06_sampling/README.md, step 2")


def top_p_filter(logits: torch.Tensor, p: float) -> torch.Tensor:
    """Nucleus filtering: keep the smallest set of best tokens whose probability reaches p.

    Per row: sort the tokens from best to worst, add up their softmax probabilities, and keep
    tokens until the sum reaches p; the token that makes it reach p is kept too, and the best
    token is always kept, however small p is. Every other score becomes -inf. Equals
    transformers' TopPLogitsWarper(p).
    """
    raise NotImplementedError("06_sampling: implement top_p_filter() — see exercises/06_sampling/README.md, step 3")


def apply_repetition_penalty(logits: torch.Tensor, input_ids: torch.Tensor, penalty: float) -> torch.Tensor:
    """Make the tokens already present in each sequence less likely.

    logits:    [batch, vocab_size] scores.
    input_ids: [batch, seq_len] the ids of each sequence so far (prompt and generated tokens).
    For every token that appears in row b of `input_ids` (once or several times: it is
    penalised once), the score in row b is divided by `penalty` if it is positive and
    multiplied by `penalty` if it is negative. Equals RepetitionPenaltyLogitsProcessor(penalty).
    """
    raise NotImplementedError(
        "06_sampling: implement apply_repetition_penalty() — see exercises/06_sampling/README.md, step 4"
    )


def sample_next(logits: torch.Tensor, generator: torch.Generator | None = None) -> torch.Tensor:
    """Draw one token id per row from softmax(logits): shape [batch, 1].

    Use torch.multinomial on the probabilities, with `generator` (None: torch's global random
    generator, the one torch.manual_seed seeds). The same seed must give the same ids.
    """
    raise NotImplementedError("06_sampling: implement sample_next() — see exercises/06_sampling/README.md, step 5")


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
    """Sampled generation with the KV cache, token for token what model.generate samples.

    input_ids: [1, T] prompt ids. Returns the NEW ids only, shape [1, n], n <= max_new_tokens.
    temperature, top_k, top_p, repetition_penalty: None takes the value of
        model.generation_config (Qwen2.5: 0.7, 20, 0.8, 1.1). Never change the model's config.
    eos_token_id: None (never stop early), one id, or a list of ids: stop right after
        producing any of them; that eos token is included, as generate does.

    After torch.manual_seed(s), the result equals what
    torch.manual_seed(s); model.generate(input_ids, do_sample=True, max_new_tokens=...,
    <the options you were given>) adds after the prompt. For that, do per step exactly what
    generate does: a float32 copy of the last position's scores, then penalty, temperature,
    top-k, top-p (in this order), then ONE draw with sample_next (global RNG). One prefill,
    then one new position per step, as in exercise 05.
    """
    raise NotImplementedError("06_sampling: implement generate_sampled() — see exercises/06_sampling/README.md, step 6")
