"""Exercise 12_speculative: several tokens per target pass, the same answers.

Lesson: exercises/12_speculative/README.md (中文: README.zh.md)
Check:  pytest exercises/12_speculative     (or: kata check 12)
Hints:  kata hint 12

Each function gets everything it needs as arguments; do not load a model here.
Run the models inside `torch.no_grad()` (or decorate the functions with `@torch.no_grad()`).
A "draft" guesses the next k tokens cheaply; the "target" (the model whose answers we want)
checks all the guesses in ONE forward pass and keeps what it agrees with.
"""

import torch  # noqa: F401  (you will need it)


def lookup_draft(ids: list[int], ngram: int, k: int) -> list[int]:
    """Prompt-lookup drafting: guess that the text goes on as it did the last time it read the same.

    ids:   the prompt and every token generated so far, a list of ints.
    ngram: the longest suffix to look up; k: the most ids to return.
    Take the last `ngram` ids; find their most recent EARLIER occurrence in `ids` (not the suffix
    itself) and return the ids that followed it, at most k. If the `ngram`-long suffix never occurred
    before, try ngram - 1, ..., down to 1. Returns [] when nothing matches. No model involved.
    """
    raise NotImplementedError("12_speculative: implement lookup_draft() — see exercises/12_speculative/README.md, step 1")


def verify_greedy(logits, draft: list[int]) -> tuple[int, int]:
    """Greedy verification of a draft from the target's scores.

    logits: [len(draft) + 1, vocab]: row i holds the target's scores for the token that follows
            the last token and draft[:i] (row 0 predicts draft[0], the last row follows the whole draft).
    Returns (accepted, next), two ints: accepted = how many drafted tokens, from the start, equal the
    argmax of the row before them; next = the argmax of the row right after the accepted ones (the
    target's correction, or the bonus token when the whole draft was accepted).
    """
    raise NotImplementedError("12_speculative: implement verify_greedy() — see exercises/12_speculative/README.md, step 2")


def speculative_greedy(model, input_ids, max_new_tokens: int, draft, k: int, eos_token_id=None):
    """Greedy decoding, k guesses checked per target pass; token for token plain greedy decoding.

    input_ids:    [1, T] prompt ids on the model's device.
    draft:        a function draft(ids: list[int], k) -> list[int] of at most k guessed ids, given
                  the prompt and every new token so far (e.g. lambda ids, k: lookup_draft(ids, 3, k)).
    k:            the most tokens a draft may guess per round (>= 1).
    eos_token_id: None (never stop early), an int or a list of ints: stop right after producing one
                  (also when it comes in the middle of accepted guesses); that eos is included.
    Use the model's own forward and its cache: one prefill (use_cache=True), then per round ONE
    model(...) call over the last token plus the draft (cache=cache), verify_greedy, and the keys and
    values of the rejected guesses removed with cache.crop(-rejected), only when rejected > 0.
    Raise ValueError for k < 1, or a draft of more than k ids or of ids outside [0, vocab_size).
    Returns (new_ids, passes): new_ids [1, n], n <= max_new_tokens, what
    `model.generate(input_ids, do_sample=False, repetition_penalty=1.0, ...)` adds, whatever the draft
    guesses; passes = the number of model(...) forward passes made (the prefill included).
    """
    raise NotImplementedError("12_speculative: implement speculative_greedy() — see exercises/12_speculative/README.md, step 3")


def accept_or_resample(p, q, token: int, generator) -> tuple[bool, int]:
    """The rejection step of speculative sampling, for one drafted token.

    p, q:      float32 [vocab] probabilities of the target and of the draft at this position.
    token:     the id the draft sampled from q.
    generator: the torch.Generator every random number comes from.
    Draw u from torch.rand(..., generator=generator); keep the token when u < p[token] / q[token]:
    return (True, token). Otherwise return (False, t) with t drawn by
    torch.multinomial(..., generator=generator) from max(0, p - q), normalised to sum 1.
    Raise ValueError when p or q is not a probability vector (each must sum to 1).
    """
    raise NotImplementedError("12_speculative: implement accept_or_resample() — see exercises/12_speculative/README.md, step 4")


def speculative_sample(target, draft_model, input_ids, max_new_tokens: int, k: int, generator,
                       temperature: float = 1.0):
    """Sampling from the target with a draft model's guesses; the output is distributed as the target's own.

    target, draft_model: two causal LMs with the same vocabulary. input_ids: [1, T].
    Per round: the draft model samples k tokens one by one from q = softmax(its logits / temperature)
    (float32); the target scores all of them in ONE forward pass, p = softmax(logits / temperature);
    accept_or_resample left to right, stopping at the first rejection (its replacement is kept);
    after a round where all k were kept, one bonus token sampled from p's last row.
    All random numbers from `generator`. Returns exactly max_new_tokens new ids, [1, max_new_tokens]
    (no eos handling here).
    """
    raise NotImplementedError("12_speculative: implement speculative_sample() — see exercises/12_speculative/README.md, step 5")
