"""`.ci/gpu-check`, the GPU paths of 10-12 in one prepared run: where it cannot give the course's figures it
stops at once, before any step, saying why in plain words (device time is short and counted)."""

import os
import subprocess
import sys

from kata.course.manifest import ROOT

SCRIPT = ROOT / ".ci" / "gpu-check"


def run_check(tmp_path, **env):
    environment = {k: v for k, v in os.environ.items() if not k.startswith("GPU_CHECK_")}
    # No GPU seen and no wheels installed, whatever this machine has: only what the test sets.
    environment.update(PYTHON=sys.executable, CUDA_VISIBLE_DEVICES="", GPU_CHECK_WHEELS=str(tmp_path / "no-wheels"))
    environment.update(env)
    return subprocess.run(["bash", str(SCRIPT), str(tmp_path / "out")], capture_output=True, text=True,
                          env=environment, timeout=60)


def test_the_script_parses():
    assert subprocess.run(["bash", "-n", str(SCRIPT)], capture_output=True).returncode == 0


def test_without_a_gpu_it_stops_before_any_step(tmp_path):
    result = run_check(tmp_path)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "sees no CUDA GPU" in result.stdout + result.stderr
    assert "torch " in (tmp_path / "out" / "environment.txt").read_text()  # the versions are reported first
    assert not (tmp_path / "out" / "summary.txt").exists(), "a step ran although the check had refused"


def test_outside_the_course_versions_it_stops_before_any_step(tmp_path):
    # An older transformers first on the path, as on a GPU image with one preinstalled.
    old = tmp_path / "site" / "transformers-5.17.0.dist-info"
    old.mkdir(parents=True)
    (old / "METADATA").write_text("Metadata-Version: 2.1\nName: transformers\nVersion: 5.17.0\n")
    result = run_check(tmp_path, GPU_CHECK_ALLOW_CPU="1", PYTHONPATH=str(tmp_path / "site"))
    assert result.returncode == 1, result.stdout + result.stderr
    assert "transformers 5.17.0 is installed, but the course needs transformers" in result.stdout + result.stderr
    assert not (tmp_path / "out" / "summary.txt").exists(), "a step ran although the check had refused"
