"""`kata bench`: figures for both loops, as a table, JSON and a plot, only for matching tokens."""

from __future__ import annotations

import json

import pytest
import torch

from graded_runs import kata
from kata.cli import bench
from kata.course import manifest
from kata.model import resolve as models
from kata.model import standin
from kata.plugin import adapters


def kata_bench(*args):
    return kata("bench", *args)


def test_json_has_every_figure_for_every_length(tmp_path):
    plot = tmp_path / "bench.png"
    result = kata_bench("--tokens", "4,12", "--repeats", "1", "--json", "--plot", str(plot))
    assert result.returncode == 0, result.stdout + result.stderr
    data = json.loads(result.stdout)
    assert set(data) == {"model", "dtype", "device", "rows"}
    assert [row["tokens"] for row in data["rows"]] == [4, 12]
    for row in data["rows"]:
        assert set(row) == {"tokens", "hf_cached_s", "hf_uncached_s", "impl_cached_s", "impl_uncached_s"}
        assert all(value > 0 for value in row.values())
    assert plot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_the_table_reports_speedups_ratios_and_the_bandwidth_bound():
    result = kata_bench("--tokens", "8", "--repeats", "1")
    assert result.returncode == 0, result.stdout + result.stderr
    for text in ("generate cached", "yours uncached", "cache speedup", "yours / generate", "memory bandwidth",
                 "tokens/s"):
        assert text in result.stdout, text


def test_the_learners_unfinished_loops_get_one_sentence():
    result = kata_bench("--impl", "exercises", "--tokens", "4", "--repeats", "1")
    assert result.returncode == 2
    assert "05_kv_cache: implement" in result.stdout and "--impl solutions" in result.stdout
    assert "Traceback" not in result.stdout + result.stderr


def test_bad_token_counts_are_refused():
    result = kata_bench("--tokens", "four")
    assert result.returncode == 2 and "comma" in result.stdout


def test_loops_that_produce_other_tokens_are_not_timed():
    model, tokenizer = models.load(models.resolve("tiny", log=lambda *_: None))
    reference = adapters.load_implementation(manifest.find("05"), solutions=True)

    class OffByOne:
        generate_uncached = staticmethod(reference.generate_uncached)

        @staticmethod
        def generate_cached(model, ids, n):
            return reference.generate_cached(model, ids, n) + 1

    with pytest.raises(bench.BenchError, match="impl_cached produced other tokens than hf_cached"):
        bench.run(model, tokenizer, OffByOne, [4], repeats=1, log=lambda *_: None)


def test_the_shape_model_config_is_qwen25_05b():
    from transformers import Qwen2Config, Qwen2ForCausalLM

    with torch.device("meta"):
        model = Qwen2ForCausalLM(Qwen2Config(**bench.QWEN25_05B))
    assert sum(p.numel() for p in model.parameters()) == 494_032_768


def test_a_cached_shape_model_takes_the_current_standin_tokenizer(tmp_path, monkeypatch):
    built = standin.ensure_standin()
    monkeypatch.setattr(standin, "ensure_standin", lambda *_args, **_kwargs: built)
    small = dict(hidden_size=32, intermediate_size=64, num_hidden_layers=1, num_attention_heads=2, vocab_size=1024)
    monkeypatch.setattr(bench, "QWEN25_05B", {**bench.QWEN25_05B, **small})
    target = bench.shape_model_dir(tmp_path)
    (target / "tokenizer.json").write_text("{}")  # as left by an older stand-in recipe
    assert bench.shape_model_dir(tmp_path) == target
    assert (target / "tokenizer.json").read_bytes() == (built / "tokenizer.json").read_bytes()


def test_on_the_standin_all_four_loops_agree():
    model, tokenizer = models.load(models.resolve("tiny", log=lambda *_: None))
    reference = adapters.load_implementation(manifest.find("05"), solutions=True)
    rows = bench.run(model, tokenizer, reference, [12], repeats=1, log=lambda *_: None)
    assert rows[0].cached_uncached_agree == 12


def test_the_bound_is_the_memory_of_the_models_device_and_a_gpu_report_says_what_limits_it(monkeypatch):
    from types import SimpleNamespace

    from rich.console import Console

    synced = []
    monkeypatch.setattr(bench, "synchronize", lambda device: synced.append(device.type))
    assert bench.memory_bandwidth_gbs(torch.device("cpu"), size_mb=8, repeats=2) > 0
    assert synced and set(synced) == {"cpu"}  # every timed copy is bracketed by a synchronisation

    rows = [bench.Row(16, 1.0, 1.1, 1.0, 1.1, 16)]
    gpu_model = SimpleNamespace(device=torch.device("cuda"), dtype=torch.bfloat16,
                                parameters=lambda: [torch.ones(1000, dtype=torch.bfloat16)])
    console = Console(record=True, width=200)
    bench.report(rows, gpu_model, "test", console, bandwidth=3000.0)
    text = console.export_text()
    assert "the GPU's memory" in text and "kernel launches" in text


def test_the_fast_loops_are_timed_like_for_like_with_compile_time_apart():
    result = kata_bench("--fast", "--backend", "eager", "--tokens", "6", "--repeats", "1", "--json")
    assert result.returncode == 0, result.stdout + result.stderr
    rows = json.loads(result.stdout)
    names = [row["name"] for row in rows]
    assert names[:3] == ["generate", "05 cached loop", "static, eager"] and len(rows) == 5 and "int8" in names[-1]
    assert all(row["same_tokens"] for row in rows), rows  # every way decodes the same tokens on the stand-in
    assert all(row["compile_s"] is not None for row in rows[3:]) and all(row["compile_s"] is None for row in rows[:3])
    assert rows[-1]["weight_mb"] < rows[0]["weight_mb"]  # int8 projections read fewer bytes
    assert all(0 < row["bound_share"] for row in rows)


@pytest.fixture(scope="module")
def serve_run(tmp_path_factory):
    """One `kata bench --serve --json --plot` on the stand-in: (its JSON, the plot's path)."""
    plot = tmp_path_factory.mktemp("serve") / "serve.png"
    # the stand-in's ops are too small to share among threads: one thread keeps the run short on a busy machine
    result = kata("bench", "--serve", "--json", "--plot", str(plot), env={"OMP_NUM_THREADS": "1"})
    assert result.returncode == 0, result.stdout + result.stderr
    return json.loads(result.stdout), plot


def test_the_serving_bench_shows_batching_and_paging(serve_run):
    data, plot = serve_run
    assert [row["batch"] for row in data["throughput"]] == [1, 4, 16]
    reserved, longest, paged = (row["kv_bytes"] for row in data["memory"])
    assert paged <= longest < reserved  # pages hold what is used; reserving holds what might be
    assert plot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_the_serving_bench_serves_one_mix_three_ways_and_tracks_the_blocks(serve_run):
    data, _ = serve_run
    rows = {row["way"]: row for row in data["serving"]}
    assert list(rows) == ["one_by_one", "engine", "transformers"]
    for way in ("one_by_one", "engine"):  # like for like: the Engine's tokens are the one-by-one loop's
        assert rows[way]["same_tokens"] and rows[way]["tokens"] > 0 and rows[way]["tok_s"] > 0, rows[way]
    hf = rows["transformers"]  # measured and matching, or not measured with one line saying why
    assert (hf["same_tokens"] and hf["tokens"] == rows["engine"]["tokens"]) or (hf["tok_s"] is None and hf["note"]), hf
    blocks = data["blocks"]
    used = [step["blocks_in_use"] for step in blocks["steps"]]
    assert used and max(used) <= blocks["num_blocks"] and used[-1] == 0
    assert max(used) == data["memory"][-1]["blocks"]  # the paged peak is the most blocks held in a step
    assert blocks["steps"][0]["running"] > 1 and blocks["steps"][-1]["running"] == 0


def test_the_learners_unfinished_engine_gets_one_sentence():
    result = kata_bench("--serve", "--impl", "exercises")
    assert result.returncode == 2
    assert "11_serve: implement" in result.stdout and "--impl solutions" in result.stdout
    assert "Traceback" not in result.stdout + result.stderr


def test_speculative_decoding_is_timed_against_greedy_with_its_passes():
    result = kata_bench("--speculative", "--tokens", "12", "--repeats", "1", "--json")
    assert result.returncode == 0, result.stdout + result.stderr
    data = json.loads(result.stdout)
    greedy, lookup, draft_model = data["rows"]
    assert greedy["passes"] == 12 and all(row["same_tokens"] for row in data["rows"])
    assert draft_model["passes"] < 12  # the one-layer draft agrees with its target on the stand-in
    assert [c["positions"] for c in data["positions"]] == [1, 2, 5, 9, 17]
    table = kata_bench("--speculative", "--tokens", "12", "--repeats", "1")
    assert "need" in table.stdout and "real" in table.stdout  # the stand-in does not copy code: said so
