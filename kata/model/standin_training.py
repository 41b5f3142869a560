"""The stand-in's training: its tokenizer's merges, then its facts learned whole, and prompts it was
not built for.

Each step trains on every fact and on a fresh set of made-up prompts (``kata.model.standin_unknown``).
Rows are grouped by length and each group is padded only to its own longest row: the build runs
on one CPU thread, and padding was most of its work.
"""

from __future__ import annotations

import json
import random

from kata.model.standin_unknown import made_up_example

TRAIN_STEPS = 200
MADE_UP_PER_STEP = 12  # prompts it was not built for, in each training step
MADE_UP_WIDTH = 88  # tokens: room for a question under the default system prompt
GROUPS = 4  # rows of similar length padded together
SEED = 0  # of the made-up prompts
WEIGHT_SEED = 0  # torch.manual_seed before the weights are made
LEARNING_RATE = 1e-2  # AdamW's peak, no weight decay, one cycle over TRAIN_STEPS


def train(model, tokenizer, facts: list[tuple[str, int]], plain_known: set[str], chat_known: set[str]) -> None:
    """Train ``model`` (float32) in place on ``facts`` ((text, weight) pairs) and made-up prompts."""
    import torch
    from transformers import DataCollatorForSeq2Seq

    collate = DataCollatorForSeq2Seq(tokenizer, padding=True, label_pad_token_id=-100, return_tensors="pt")

    def render(messages, add_generation_prompt=False):
        return tokenizer.apply_chat_template(messages, tokenize=False, add_generation_prompt=add_generation_prompt)

    def encode(text):
        return tokenizer(text)["input_ids"]

    # A fact is learned whole; a made-up prompt teaches only its answer, not its words.
    fact_rows = [(ids := encode(text), ids, weight) for text, weight in facts]
    width = max(MADE_UP_WIDTH, *(len(ids) for ids, _, _ in fact_rows))
    rng = random.Random(SEED)

    def made_up_rows():
        rows = []
        while len(rows) < MADE_UP_PER_STEP:
            prompt, answer = made_up_example(rng, render, plain_known, chat_known)
            prompt_ids, answer_ids = encode(prompt), encode(answer)
            if len(prompt_ids) + len(answer_ids) <= width:  # a few long chats would slow every step
                rows.append((prompt_ids + answer_ids, [-100] * len(prompt_ids) + answer_ids, 1))
        return rows

    model.train()
    optimizer = torch.optim.AdamW(model.parameters(), lr=LEARNING_RATE, weight_decay=0.0)
    schedule = torch.optim.lr_scheduler.OneCycleLR(optimizer, max_lr=LEARNING_RATE, total_steps=TRAIN_STEPS)
    for _ in range(TRAIN_STEPS):
        rows = sorted(fact_rows + made_up_rows(), key=lambda row: len(row[0]))
        bounds = [len(rows) * g // GROUPS for g in range(GROUPS + 1)]
        groups = [padded(collate, rows[a:b]) for a, b in zip(bounds, bounds[1:])]
        # The mean loss over every target token of the step, a fact counted as often as its weight.
        targets = sum(float(((labels[:, 1:] != -100) * weights[:, None]).sum()) for _, _, labels, weights in groups)
        optimizer.zero_grad()
        for input_ids, mask, labels, weights in groups:
            logits = model(input_ids=input_ids, attention_mask=mask).logits
            token_loss = torch.nn.functional.cross_entropy(
                logits[:, :-1].reshape(-1, logits.shape[-1]), labels[:, 1:].reshape(-1), reduction="none")
            ((token_loss.view(len(weights), -1) * weights[:, None]).sum() / targets).backward()
        optimizer.step()
        schedule.step()
    model.eval()


def settings() -> dict:
    """The training's data (every upper-case name above), for the stand-in's recipe hash."""
    return {name: value for name, value in globals().items() if name.isupper()}


def train_tokenizer(corpus: list[str], vocab_size: int, special: list[str], non_special: list[str], chat_template: str):
    """A Qwen2Tokenizer with ``vocab_size`` regular tokens whose merges are learned from ``corpus``,
    then the added tokens in Qwen's order: ``special`` (the chat's three first), ``non_special``."""
    from tokenizers import AddedToken, Tokenizer, models, pre_tokenizers, trainers
    from transformers.models.qwen2.tokenization_qwen2 import Qwen2Tokenizer

    # Learn merges with exactly the pre-tokenization and normalisation Qwen2Tokenizer uses.
    template_tok = Qwen2Tokenizer()
    learner = Tokenizer(models.BPE())
    learner.normalizer = template_tok.backend_tokenizer.normalizer
    learner.pre_tokenizer = template_tok.backend_tokenizer.pre_tokenizer
    trainer = trainers.BpeTrainer(
        vocab_size=vocab_size,
        min_frequency=2,
        show_progress=False,
        initial_alphabet=pre_tokenizers.ByteLevel.alphabet(),
    )
    learner.train_from_iterator(corpus, trainer=trainer)
    learned = json.loads(learner.to_str())["model"]

    # The added tokens follow the learned vocabulary in Qwen's order, so <|endoftext|>,
    # <|im_start|> and <|im_end|> get consecutive ids just after the regular tokens.
    vocab = dict(learned["vocab"])
    for token in special + non_special:
        vocab[token] = len(vocab)
    tokenizer = Qwen2Tokenizer(
        vocab=vocab,
        merges=[tuple(m) if isinstance(m, list) else tuple(m.split(" ")) for m in learned["merges"]],
        unk_token=None,
        bos_token=None,
        eos_token="<|im_end|>",
        pad_token="<|endoftext|>",
        errors="replace",
        clean_up_tokenization_spaces=False,
        split_special_tokens=False,
        model_max_length=131072,
        additional_special_tokens=["<|im_start|>", "<|im_end|>"] + special[3:],
    )
    tokenizer.add_tokens([AddedToken(t, special=True) for t in special], special_tokens=True)
    tokenizer.add_tokens([AddedToken(t, special=False) for t in non_special])
    tokenizer.chat_template = chat_template
    return tokenizer


def padded(collate, rows):
    """input_ids, attention_mask, labels (-100 on padding) and row weights for ``rows`` of
    (ids, labels, weight), right-padded by ``collate``, a ``DataCollatorForSeq2Seq``."""
    import torch

    batch = collate([{"input_ids": ids, "labels": labels} for ids, labels, _ in rows])
    weights = torch.tensor([float(weight) for _, _, weight in rows])
    return batch["input_ids"], batch["attention_mask"], batch["labels"], weights
