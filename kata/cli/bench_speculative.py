"""`kata bench --speculative`: 12_speculative's target passes per new token, and tok/s against greedy.

From a copying prompt (a code edit: the answer repeats most of the prompt), at batch 1: greedy
``generate``, then ``speculative_greedy`` with prompt lookup and with a draft model (the target cut to
its first layer, the same head). Each row's tokens are compared with greedy's; a row that differs says
so. Then the cost of checking n positions in one target pass, after a 200-token prompt: the reason a
pass over k + 1 guesses costs about one decode step. Random weights (and the stand-in) do not copy
code, so the lookup figure on a copying prompt means something only with the real model's weights.
"""

from __future__ import annotations

import statistics
import time

from kata.cli.bench import float32_on_cpu, synchronize, timed
from kata.testkit.probes import first_layers_copy

COPYING_PROMPT = (
    "Rename total to subtotal in this function:\ndef price(items, tax):\n    total = 0\n"
    "    for item in items:\n        total += item.price * item.count\n    return total * (1 + tax)\n\n"
    "The function with total renamed to subtotal:\ndef price(items, tax):\n    subtotal = 0\n")
NGRAM = 3


def _greedy(model, ids, n):
    out = model.generate(ids, attention_mask=ids.new_ones(ids.shape), do_sample=False, max_new_tokens=n,
                         repetition_penalty=1.0, temperature=None, top_p=None, top_k=None, eos_token_id=None)
    return out[:, ids.shape[1]:]


def speculative_rows(model, tokenizer, impl, new_tokens: int = 64, k: int = 4, repeats: int = 1, log=print) -> list[dict]:
    """One dict per way: name, passes, passes_per_token, seconds, tok_s, x_greedy, same_tokens."""
    import torch

    model = float32_on_cpu(model, log)
    device = model.device
    ids = tokenizer(COPYING_PROMPT, return_tensors="pt").input_ids.to(device)
    small = first_layers_copy(model)  # the draft model: the target's first layer, the same head

    def small_draft(seen: list[int], kk: int) -> list[int]:
        return _greedy(small, torch.tensor([seen], device=device), kk)[0].tolist()

    rows = []
    with torch.no_grad():
        _, seconds, greedy = timed(lambda: _greedy(model, ids, new_tokens), repeats, device)
        rows.append(dict(name="greedy generate", passes=new_tokens, seconds=seconds, tokens=greedy[0].tolist()))
        for name, draft in ((f"prompt lookup (ngram {NGRAM}, k {k})", lambda seen, kk: impl.lookup_draft(seen, NGRAM, kk)),
                            (f"1-layer draft model (k {k})", small_draft)):
            _, seconds, (new, passes) = timed(lambda d=draft: impl.speculative_greedy(model, ids, new_tokens, d, k),
                                              repeats, device)
            rows.append(dict(name=name, passes=int(passes), seconds=seconds, tokens=new[0].tolist()))
    for row in rows:
        row["passes_per_token"] = row["passes"] / max(1, len(row["tokens"]))
        row["tok_s"] = len(row["tokens"]) / row["seconds"]
        row["x_greedy"] = row["tok_s"] / rows[0]["tok_s"]
        row["same_tokens"] = row.pop("tokens") == greedy[0].tolist()
        log(f"  {row['name']:<32} {row['passes']:4d}  {row['tok_s']:7.1f} tok/s")
    return rows


def positions_cost(model, counts=(1, 2, 5, 9, 17), prompt: int = 200, repeats: int = 9) -> list[dict]:
    """Milliseconds of one target pass over n new positions after ``prompt`` cached ones."""
    import torch

    ids = torch.randint(0, model.config.vocab_size, (1, prompt + max(counts)), generator=torch.Generator().manual_seed(0))
    ids = ids.to(model.device)
    rows = []
    with torch.no_grad():
        cache = model(ids[:, :prompt], use_cache=True).cache
        for n in counts:
            times = []
            for _ in range(repeats):
                synchronize(model.device)
                start = time.perf_counter()
                model(ids[:, prompt:prompt + n], cache=cache, use_cache=True)
                synchronize(model.device)
                times.append(time.perf_counter() - start)
                cache.crop(-n)  # back to the prompt: the next n positions are checked afresh
            rows.append(dict(positions=n, ms=statistics.median(times) * 1000))
    for row in rows:
        row["x_one"] = row["ms"] / rows[0]["ms"]
    return rows


def report(rows: list[dict], cost: list[dict], source: str, console, copies: bool = True) -> None:
    """The table and the cost line; ``copies``: False for weights that cannot copy (the stand-in, random ones)."""
    from rich.table import Table

    from kata.i18n import t

    table = Table(title=t("Speculative greedy decoding from a copying prompt (a code edit); {source}", source=source),
                  title_justify="left")
    for column in (t("way"), t("target passes"), t("passes per token"), "tok/s", t("x greedy"), t("tokens")):
        table.add_column(column, justify="left" if column == t("way") else "right")
    for r in rows:
        table.add_row(r["name"], str(r["passes"]), f"{r['passes_per_token']:.2f}", f"{r['tok_s']:.1f}",
                      f"{r['x_greedy']:.2f}", t("same") if r["same_tokens"] else f"[red]{t('differ')}[/]")
    console.print(table)
    console.print(t("One target pass over n positions after a 200-token prompt: {costs}.", costs=", ".join(
        f"{c['positions']}: {c['ms']:.0f} ms ({c['x_one']:.2f}x)" for c in cost)))
    if not copies:
        console.print(t("These weights do not copy code: prompt lookup's figure on a copying prompt needs the real "
                        "model (kata download, then --model qwen)."))
