"""The warm parent of the suite's `python -m pytest` runs (tests/warm_start) is invisible to what
they prove: the same arguments, folder, environment, streams, exit codes and signals as a fresh
interpreter, and a fresh interpreter wherever an import could differ."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

pytestmark = pytest.mark.skipif(not os.environ.get("KATA_TEST_ZYGOTE"),
                                reason="the warm parent is off (KATA_TEST_FRESH=1, or no fork on this OS)")

PROBE = textwrap.dedent('''
    import json, os, sys

    def test_probe():
        print("out from the test", flush=True)
        seen = dict(argv0=os.path.basename(sys.argv[0]), argv=sys.argv[1:], path0=sys.path[0], cwd=os.getcwd(),
                    kata=os.environ.get("KATA_SOMETHING"),
                    stdin=sys.stdin is not None, encoding=sys.stdout.encoding,
                    warm="transformers.modeling_utils" in sys.modules, pid=os.getpid(), parent=os.getppid())
        with open(os.environ["KATA_PROBE_OUT"], "w") as f:
            json.dump(seen, f)
        assert os.environ.get("KATA_PROBE_FAIL") != "1", "asked to fail"
''')


def _python(args, folder: Path, env_extra: dict, **kwargs) -> subprocess.Popen:
    env = {**os.environ, "KATA_PROBE_OUT": str(folder / "seen.json"), **env_extra}
    return subprocess.Popen([sys.executable, *args], cwd=folder, env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, **kwargs)


def _probe(folder: Path, env_extra: dict) -> tuple[int, str, dict]:
    (folder / "test_probe.py").write_text(PROBE)
    proc = _python(["-m", "pytest", "-q", "-p", "no:cacheprovider", "test_probe.py"], folder, env_extra)
    out, _ = proc.communicate(timeout=120)
    return proc.returncode, out, json.loads((folder / "seen.json").read_text())


def _without_warm_parent() -> dict:
    return {"KATA_TEST_ZYGOTE": str(Path("/nonexistent") / "zygote.sock")}


def _wait_until_warm(folder: Path) -> None:
    """The server listens a few seconds after the session starts; until then callers run fresh."""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if _probe(folder, {})[2]["warm"]:
            return
        time.sleep(0.5)
    pytest.fail("the warm parent never answered (see its log in the kata-zygote-* folder)")


def test_a_forked_run_sees_what_a_fresh_one_sees(tmp_path):
    _wait_until_warm(tmp_path)
    extra = {"KATA_SOMETHING": "k"}
    code_w, out_w, warm = _probe(tmp_path, extra)
    code_f, out_f, fresh = _probe(tmp_path, {**extra, **_without_warm_parent()})
    assert warm["warm"] and not fresh["warm"], "the first run should be forked, the second fresh"
    assert warm["parent"] != warm["pid"]
    process = ("warm", "pid", "parent")
    assert {k: v for k, v in warm.items() if k not in process} == {k: v for k, v in fresh.items() if k not in process}
    assert warm["cwd"] == str(tmp_path) and warm["path0"] == str(tmp_path)
    assert code_w == code_f == 0
    assert "1 passed" in out_w and "1 passed" in out_f


def test_a_failing_run_exits_as_a_fresh_one_does(tmp_path):
    _wait_until_warm(tmp_path)
    code_w, out_w, warm = _probe(tmp_path, {"KATA_PROBE_FAIL": "1"})
    code_f, out_f, _ = _probe(tmp_path, {"KATA_PROBE_FAIL": "1", **_without_warm_parent()})
    assert warm["warm"]
    assert code_w == code_f == 1
    assert "asked to fail" in out_w and "asked to fail" in out_f


@pytest.mark.parametrize("variable", ["HF_HUB_OFFLINE", "A_VARIABLE_NOBODY_KNOWS"])
def test_another_environment_for_imports_runs_fresh(tmp_path, variable):
    """huggingface_hub reads HF_HUB_OFFLINE at import; any variable outside KATA_* may be read by something."""
    _wait_until_warm(tmp_path)
    _, _, seen = _probe(tmp_path, {variable: os.environ.get(variable, "") + "x"})
    assert not seen["warm"], f"a run with another {variable} must start fresh"


def _sleeper(folder: Path, env_extra: dict | None = None) -> tuple[subprocess.Popen, int]:
    """A pytest run whose test writes its pid, then sleeps; (the caller's process, the test's pid)."""
    (folder / "test_sleep.py").write_text(textwrap.dedent('''
        import os, time
        def test_sleep():
            open(os.environ["KATA_PROBE_OUT"], "w").write(str(os.getpid()))
            time.sleep(60)
    '''))
    proc = _python(["-m", "pytest", "-q", "-p", "no:cacheprovider", "test_sleep.py"], folder, env_extra or {})
    deadline = time.monotonic() + 60
    while not (folder / "seen.json").exists() or not (folder / "seen.json").read_text():
        assert time.monotonic() < deadline and proc.poll() is None, "the sleeping test never started"
        time.sleep(0.05)
    return proc, int((folder / "seen.json").read_text())


def _gone(pid: int, within: float = 10) -> bool:
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return True
        time.sleep(0.05)
    return False


def test_killing_the_caller_kills_the_run(tmp_path):
    _wait_until_warm(tmp_path)
    (tmp_path / "seen.json").unlink()
    proc, pid = _sleeper(tmp_path)
    assert pid != proc.pid, "the run should be a forked child, not the caller"
    proc.kill()
    assert proc.wait(10) == -signal.SIGKILL
    assert _gone(pid), "the forked run outlived its killed caller"


def test_terminate_reaches_the_run_and_its_status_comes_back(tmp_path):
    _wait_until_warm(tmp_path)
    (tmp_path / "seen.json").unlink()
    proc, pid = _sleeper(tmp_path)
    proc.terminate()
    assert proc.wait(10) == -signal.SIGTERM, "a fresh pytest killed by SIGTERM ends with -15; so must this"
    assert _gone(pid)


def test_the_server_ends_when_the_session_that_started_it_is_killed(tmp_path):
    """A test session killed outright (no clean-up) leaves no server behind."""
    starter = textwrap.dedent(f'''
        import os, sys
        sys.path.insert(0, {str(Path(__file__).parent)!r})
        from pathlib import Path
        from warm_start import zygote
        print(zygote.start(Path({str(tmp_path)!r})).pid, flush=True)
        os._exit(0)
    ''')
    env = {k: v for k, v in os.environ.items() if k != "KATA_TEST_ZYGOTE"}
    done = subprocess.run([sys.executable, "-c", starter], env=env, capture_output=True, text=True, timeout=60)
    assert _gone(int(done.stdout), within=60), "the server outlived the session that started it"
