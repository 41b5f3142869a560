"""The stand-in's training loop: its facts learned whole, and prompts it was not built for.

Each step trains on every fact and on a fresh set of made-up prompts (``kata.standin_unknown``).
Rows are grouped by length and each group is padded only to its own longest row: the build runs
on one CPU thread, and padding was most of its work.
"""

from __future__ import annotations

import random

from kata.standin_unknown import made_up_example

TRAIN_STEPS = 200
MADE_UP_PER_STEP = 12  # prompts it was not built for, in each training step
MADE_UP_WIDTH = 88  # tokens: room for a question under the default system prompt
GROUPS = 4  # rows of similar length padded together
SEED = 0  # of the made-up prompts; the weights use torch.manual_seed(0)


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
    optimizer = torch.optim.AdamW(model.parameters(), lr=1e-2, weight_decay=0.0)
    schedule = torch.optim.lr_scheduler.OneCycleLR(optimizer, max_lr=1e-2, total_steps=TRAIN_STEPS)
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


def padded(collate, rows):
    """input_ids, attention_mask, labels (-100 on padding) and row weights for ``rows`` of
    (ids, labels, weight), right-padded by ``collate``, a ``DataCollatorForSeq2Seq``."""
    import torch

    batch = collate([{"input_ids": ids, "labels": labels} for ids, labels, _ in rows])
    weights = torch.tensor([float(weight) for _, _, weight in rows])
    return batch["input_ids"], batch["attention_mask"], batch["labels"], weights
