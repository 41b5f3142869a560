"""Model resolution: cache hit, explicit path, auto's offline fallback, qwen's fast failure."""

from __future__ import annotations

import shutil
import socket
import time
from pathlib import Path

import pytest
import torch

from graded_runs import graded
from kata.model import resolve as models
from kata.model import standin

COMMIT = "0123456789abcdef0123456789abcdef01234567"


@pytest.fixture(scope="module")
def standin_path() -> Path:
    return standin.standin_dir()


@pytest.fixture
def empty_hf_home(tmp_path, monkeypatch):
    """A fresh HF_HOME, as on a learner's new laptop."""
    from huggingface_hub import constants

    home = tmp_path / "hf"
    monkeypatch.setenv("HF_HOME", str(home))
    monkeypatch.setattr(constants, "HF_HUB_CACHE", str(home / "hub"))
    return home


def fake_cached_qwen(hf_home: Path, source: Path, files=models.REAL_MODEL_FILES) -> Path:
    """Lay out the HF cache as `hf download` leaves it, with the stand-in's files as the content."""
    repo = hf_home / "hub" / f"models--{models.REAL_MODEL_ID.replace('/', '--')}"
    snapshot = repo / "snapshots" / COMMIT
    snapshot.mkdir(parents=True)
    (repo / "refs").mkdir()
    (repo / "refs" / "main").write_text(COMMIT)
    for name in files:
        shutil.copy(source / name, snapshot / name)
    return snapshot


@pytest.fixture
def black_hole():
    """A local port that accepts connections and never answers: a hub behind very bad wifi."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(16)
    yield f"http://127.0.0.1:{server.getsockname()[1]}"
    server.close()


def test_a_complete_cached_copy_of_qwen_is_used_without_the_network(empty_hf_home, standin_path, monkeypatch):
    snapshot = fake_cached_qwen(empty_hf_home, standin_path)
    monkeypatch.setattr(models, "hub_reachable", lambda *a, **k: pytest.fail("the network was consulted"))
    resolved = models.resolve("auto", log=lambda _: None)
    assert resolved.kind == "qwen" and resolved.path == snapshot
    assert models.resolve("qwen", log=lambda _: None).path == snapshot


def test_a_cache_without_the_weights_is_not_taken_for_the_model(empty_hf_home, standin_path, monkeypatch):
    fake_cached_qwen(empty_hf_home, standin_path, files=models.REAL_MODEL_FILES[:-1])
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    assert models.cached_real_model() is None
    assert models.resolve("auto", log=lambda _: None).kind == "tiny"


def test_tiny_is_the_shipped_standin_loaded_without_building_or_writing(tmp_path, monkeypatch):
    monkeypatch.setenv("KATA_CACHE", str(tmp_path))
    monkeypatch.setattr(standin, "build", lambda *_: pytest.fail("the stand-in was built on the learner's machine"))
    lines = []
    resolved = models.resolve("tiny", log=lines.append)
    assert resolved.kind == "tiny" and resolved.path == standin.MODEL_DIR
    assert lines == [] and list(tmp_path.iterdir()) == []
    model, _ = models.load(resolved, device="cpu")
    assert model.config.model_type == "qwen2"


def test_an_explicit_directory_is_used_as_given(standin_path):
    resolved = models.resolve(str(standin_path))
    assert resolved.kind == "path" and resolved.path == standin_path.resolve()


def test_a_directory_without_a_model_is_refused_with_the_valid_choices(tmp_path):
    with pytest.raises(models.ModelUnavailable, match="auto, qwen, tiny"):
        models.resolve(str(tmp_path))


def test_auto_falls_back_to_the_standin_quickly_when_the_hub_hangs(empty_hf_home, black_hole, monkeypatch):
    monkeypatch.setenv("HF_ENDPOINT", black_hole)
    start = time.monotonic()
    resolved = models.resolve("auto", log=lambda _: None)
    elapsed = time.monotonic() - start
    assert resolved.kind == "tiny"
    assert "stand-in" in resolved.note and "kata download" in resolved.note
    assert elapsed < models.PROBE_TIMEOUT_S + 2, f"auto waited {elapsed:.1f} s on an unresponsive hub"


def test_qwen_fails_within_5_s_when_offline_and_not_cached(tmp_path, black_hole):
    env = {"HF_HOME": str(tmp_path / "hf"), "HF_ENDPOINT": black_hole, "KATA_MODEL": "qwen"}
    start = time.monotonic()
    run = graded("exercises/03_logits", env=env, timeout=60)
    elapsed = time.monotonic() - start
    output = run.output
    assert run.exit_code != 0
    assert "kata download" in output and "KATA_MODEL=tiny" in output, output
    assert "Traceback" not in output, output
    assert elapsed < 8, f"KATA_MODEL=qwen took {elapsed:.1f} s to give up (the hub probe waits 3 s)"


def test_the_pytest_header_says_which_model_and_what_is_graded(tmp_path):
    env = {"HF_HOME": str(tmp_path / "hf"), "HF_HUB_OFFLINE": "1", "KATA_MODEL": "auto"}
    run = graded("exercises/03_logits", "--solutions", env=env)
    out = run.output
    assert run.exit_code == 0, out
    assert "grading reference solutions" in out
    assert "offline stand-in" in out and "bfloat16 on " in out
    assert "kata download" in out  # how to get the real model, since auto fell back


def truncate(path: Path, keep: int) -> None:
    data = path.read_bytes()
    path.unlink()  # the snapshot entry may be a link into blobs/: replace it, not its target
    path.write_bytes(data[:keep])


def test_a_damaged_cached_model_is_detected_and_not_used(empty_hf_home, standin_path, monkeypatch):
    snapshot = fake_cached_qwen(empty_hf_home, standin_path)
    truncate(snapshot / "model.safetensors", keep=(snapshot / "model.safetensors").stat().st_size // 2)
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    path, problem = models.real_model_cache_state()
    assert path == snapshot and "damaged or incomplete" in problem
    assert models.cached_real_model() is None
    resolved = models.resolve("auto", log=lambda _: None)
    assert resolved.kind == "tiny" and "damaged" in resolved.note
    with pytest.raises(models.ModelUnavailable, match="cached copy is damaged.*kata download"):
        models.resolve("qwen", log=lambda _: None)


def test_a_safetensors_file_cut_inside_its_header_is_reported(tmp_path, standin_path):
    copy = tmp_path / "model.safetensors"
    copy.write_bytes((standin_path / "model.safetensors").read_bytes()[:100])
    assert "truncated" in models.safetensors_problem(copy) or "unreadable" in models.safetensors_problem(copy)
    assert models.safetensors_problem(standin_path / "model.safetensors") is None


def test_an_interrupted_download_falls_back_to_the_standin_and_says_how_to_resume(empty_hf_home, monkeypatch):
    def dropped():
        raise ConnectionError("connection reset by peer")

    monkeypatch.setattr(models, "hub_reachable", lambda *a, **k: True)
    monkeypatch.setattr(models, "download_real_model", dropped)
    resolved = models.resolve("auto", log=lambda _: None)
    assert resolved.kind == "tiny" and "interrupted" in resolved.note and "kata download" in resolved.note
    with pytest.raises(models.ModelUnavailable, match="resumes it"):
        models.resolve("qwen", log=lambda _: None)


def test_auto_downloads_once_when_the_hub_answers_then_uses_the_cache(empty_hf_home, standin_path, monkeypatch):
    downloads = []

    def download():
        downloads.append(1)
        return fake_cached_qwen(empty_hf_home, standin_path)

    monkeypatch.setattr(models, "hub_reachable", lambda *a, **k: True)
    monkeypatch.setattr(models, "download_real_model", download)
    said = []
    first = models.resolve("auto", log=said.append)
    assert first.kind == "qwen" and "just downloaded" in first.source
    assert any("Downloading Qwen/Qwen2.5-0.5B-Instruct" in line for line in said)
    second = models.resolve("auto", log=said.append)
    assert second.kind == "qwen" and "from the Hugging Face cache" in second.source
    assert downloads == [1]
    model, tokenizer = models.load(second)
    assert model.dtype == torch.bfloat16 and not model.training


def test_a_hub_mirror_named_by_hf_endpoint_is_the_one_probed(monkeypatch):
    """Mainland China: the hub is unreachable, a mirror answers; HF_ENDPOINT points the course at it."""
    import http.server
    import threading

    asked = []

    class Mirror(http.server.BaseHTTPRequestHandler):
        def do_HEAD(self):  # noqa: N802 - the http.server API
            asked.append(self.path)
            self.send_response(200)
            self.end_headers()

        def log_message(self, *args):
            pass

    server = http.server.HTTPServer(("127.0.0.1", 0), Mirror)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        monkeypatch.setenv("HF_ENDPOINT", f"http://127.0.0.1:{server.server_address[1]}")
        monkeypatch.delenv("HF_HUB_OFFLINE", raising=False)
        monkeypatch.setattr(models, "_probes", {})
        assert models.hub_reachable()
    finally:
        server.shutdown()
    assert asked == [f"/api/models/{models.REAL_MODEL_ID}"]


def test_modelscope_download_lands_where_the_course_finds_it_offline(tmp_path, empty_hf_home, standin_path,
                                                                     monkeypatch):
    """Mainland China: `kata download --source modelscope` (modelscope stubbed: no network here)."""
    import sys
    import types

    from kata.model import modelscope

    monkeypatch.setenv("MODELSCOPE_CACHE", str(tmp_path / "ms"))
    monkeypatch.setenv("KATA_CACHE", str(tmp_path / "kata"))
    calls = []

    def snapshot_download(model_id, cache_dir, allow_patterns):
        calls.append(model_id)
        target = Path(cache_dir) / "Qwen" / "Qwen2___5-0___5B-Instruct"  # a layout the course cannot guess
        shutil.copytree(standin_path, target)
        return str(target)

    monkeypatch.setitem(sys.modules, "modelscope", types.SimpleNamespace(snapshot_download=snapshot_download))
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    assert models.resolve("auto", log=lambda _: None).kind == "tiny"  # nothing downloaded yet
    path = modelscope.download()
    assert calls == [models.REAL_MODEL_ID]
    monkeypatch.setattr(models, "hub_reachable", lambda *a, **k: pytest.fail("the network was consulted"))
    resolved = models.resolve("auto", log=lambda _: None)
    assert resolved.kind == "qwen" and resolved.path == path.resolve() and "ModelScope" in resolved.source


def test_modelscope_without_its_package_says_how_to_get_it(monkeypatch):
    import sys

    from kata.model import modelscope

    monkeypatch.setitem(sys.modules, "modelscope", None)  # import fails
    with pytest.raises(modelscope.ModelScopeMissing, match="pip install modelscope"):
        modelscope.download()
