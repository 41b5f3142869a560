"""Which model the course runs on, and how it is loaded.

``resolve(spec)`` turns ``--model`` / ``KATA_MODEL`` into a local directory, without ever
waiting on the network for more than a few seconds:

- ``auto`` (default): the real Qwen2.5-0.5B-Instruct if it is in the local Hugging Face cache;
  else, if the hub answers a short probe, download it once; else the offline stand-in.
- ``qwen``: the real model, downloaded if needed; fails fast when that is impossible.
- ``tiny``: the offline stand-in, shipped with the course (see ``kata.model.standin``).
- a directory: any Qwen2-style model and tokenizer saved there.

Only this module and ``load`` import torch/transformers, and only when a model is needed.
"""

from __future__ import annotations

import dataclasses
import os
import threading
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from kata.core.hfutil import dtype_name, quiet_transformers
from kata.i18n import t
from kata.model import modelscope

REAL_MODEL_ID = "Qwen/Qwen2.5-0.5B-Instruct"
# What a complete copy of the real checkpoint needs (the weights last: they arrive last).
REAL_MODEL_FILES = (
    "config.json",
    "generation_config.json",
    "tokenizer.json",
    "tokenizer_config.json",
    "model.safetensors",
)
PROBE_TIMEOUT_S = 3.0
MODES = ("auto", "qwen", "tiny")

def how_to_get_qwen(short: bool = False) -> str:
    if short:
        return t("To use the real model, run `kata download` (or `hf download {model}`) once on a connected network.",
                 model=REAL_MODEL_ID)
    return t("To use the real model, run `kata download` (or `hf download {model}`) once on a connected network; it goes "
             "into your Hugging Face cache (HF_HOME) and is used from then on. Offline, run with KATA_MODEL=tiny (or "
             "--model tiny) to use the built-in stand-in.", model=REAL_MODEL_ID)


class ModelUnavailable(RuntimeError):
    """The requested model cannot be had here; the message says what to do."""


@dataclass(frozen=True)
class ResolvedModel:
    kind: str  # "qwen", "tiny" or "path"
    path: Path  # what from_pretrained is given
    source: str  # one line for people: where it came from
    note: str | None = None  # e.g. why ``auto`` fell back to the stand-in

    @property
    def is_standin(self) -> bool:
        return self.kind == "tiny"

    def describe(self, model) -> str:
        """One line for people: which model, from where, its dtype and device."""
        return t("{source}; {dtype} on {device}", source=self.source, dtype=dtype_name(model.dtype), device=model.device.type)


def requested_spec(option: str | None = None) -> str:
    return option or os.environ.get("KATA_MODEL") or "auto"


def hf_cache_dir() -> Path:
    from huggingface_hub import constants

    return Path(constants.HF_HUB_CACHE)


def cached_real_model() -> Path | None:
    """The snapshot directory of the real model if every file is in the local cache, intact.

    Never touches the network: ``try_to_load_from_cache`` only looks at the disk. A download
    that was interrupted leaves no snapshot entry, so it counts as not cached (and resumes).
    """
    path, problem = real_model_cache_state()
    return path if path and not problem else None


def real_model_cache_state() -> tuple[Path | None, str | None]:
    """(snapshot directory or None, what is wrong with it or None)."""
    from huggingface_hub import try_to_load_from_cache

    found = []
    for name in REAL_MODEL_FILES:
        path = try_to_load_from_cache(REAL_MODEL_ID, name)
        if not isinstance(path, str) or not os.path.exists(path):
            return None, None
        found.append(Path(path))
    snapshot = found[0].parent
    return snapshot, safetensors_problem(found[-1])


def modelscope_copy_state() -> tuple[Path | None, str | None]:
    """(a complete ModelScope copy of the real model, or None; what is wrong with its weights, or None)."""
    for folder in modelscope.candidate_dirs():
        if all((folder / name).is_file() for name in REAL_MODEL_FILES):
            return folder, safetensors_problem(folder / "model.safetensors")
    return None, None


def safetensors_problem(path: Path) -> str | None:
    """Why a .safetensors file cannot be complete, read from its header alone (no full read)."""
    import json
    import struct

    try:
        size = path.stat().st_size
        with open(path, "rb") as f:
            (header_len,) = struct.unpack("<Q", f.read(8))
            if header_len > size:
                return f"{path.name} is truncated ({size} bytes)"
            header = json.loads(f.read(header_len))
    except (OSError, struct.error, ValueError, UnicodeDecodeError) as error:
        return f"{path.name} is unreadable ({error})"
    end = max((t["data_offsets"][1] for k, t in header.items() if k != "__metadata__"), default=0)
    if size != 8 + header_len + end:
        return f"{path.name} has {size} bytes but its header describes {8 + header_len + end}: it is damaged or incomplete"
    return None


class _HubProbe:
    """One HEAD request to the hub, in a daemon thread, so it can start early and overlap
    other start-up work (importing torch takes about as long as the probe may wait).

    A thread, because socket timeouts do not cover name resolution, which on a bad network can
    hang far longer than we want to wait.
    """

    def __init__(self, url: str, timeout: float):
        self.deadline_s = timeout
        self.answered = threading.Event()
        self.started = time.monotonic()
        self.thread = threading.Thread(target=self._run, args=(url, timeout), daemon=True)
        self.thread.start()

    def _run(self, url: str, timeout: float) -> None:
        try:
            with urllib.request.urlopen(urllib.request.Request(url, method="HEAD"), timeout=timeout):
                self.answered.set()
        except urllib.error.HTTPError:
            self.answered.set()  # the hub answered, even if with an error status
        except Exception:  # noqa: BLE001 - any other failure means "not reachable now"
            pass

    def result(self) -> bool:
        self.thread.join(max(0.0, self.deadline_s - (time.monotonic() - self.started)))
        return self.answered.is_set()


_probes: dict[str, _HubProbe] = {}


def _probe_url() -> str:
    endpoint = os.environ.get("HF_ENDPOINT", "https://huggingface.co").rstrip("/")
    return f"{endpoint}/api/models/{REAL_MODEL_ID}"


def hub_offline_forced() -> bool:
    return os.environ.get("HF_HUB_OFFLINE", "").lower() in ("1", "true", "yes", "on")


def start_hub_probe(timeout: float = PROBE_TIMEOUT_S) -> None:
    """Begin probing the hub in the background (no-op if offline mode is forced)."""
    if hub_offline_forced():
        return
    url = _probe_url()
    if url not in _probes:
        _probes[url] = _HubProbe(url, timeout)


def hub_reachable(timeout: float = PROBE_TIMEOUT_S) -> bool:
    """Did the hub answer within ``timeout`` seconds of the probe's start? DNS included."""
    if hub_offline_forced():
        return False
    start_hub_probe(timeout)
    return _probes[_probe_url()].result()


def download_real_model() -> Path:
    """Fetch the real checkpoint into the HF cache (resumable, with progress bars).

    A damaged copy (see ``safetensors_problem``) is downloaded again rather than trusted.
    """
    from huggingface_hub import snapshot_download

    damaged = real_model_cache_state()[1] is not None
    path = snapshot_download(
        REAL_MODEL_ID,
        allow_patterns=["*.json", "*.safetensors", "*.txt", "*.jinja"],
        force_download=damaged,
    )
    return Path(path)


def check_available_early(spec: str) -> None:
    """Called before anything heavy is imported: start the hub probe in the background when it
    may be needed, and fail at once if ``qwen`` was asked for and cannot be had."""
    if spec not in ("auto", "qwen"):
        return
    snapshot, damaged = real_model_cache_state()
    if (snapshot and not damaged) or modelscope_copy_state()[0] is not None:
        return
    start_hub_probe()
    if spec == "qwen" and not hub_reachable():
        raise ModelUnavailable(_qwen_unavailable_message(damaged))


def _qwen_unavailable_message(damaged: str | None) -> str:
    state = (t("your cached copy is damaged ({damaged})", damaged=damaged) if damaged
             else t("it is not in your Hugging Face cache ({cache})", cache=hf_cache_dir()))
    return t("{model} cannot be used: {state}, and the hub cannot be reached (no answer within {s:.0f} s). {how}",
             model=REAL_MODEL_ID, state=state, s=PROBE_TIMEOUT_S, how=how_to_get_qwen())


def resolve(spec: str | None = None, log=print) -> ResolvedModel:
    """Turn a model spec into a local directory; see the module docstring."""
    spec = requested_spec(spec)
    if spec == "tiny":
        return _standin()
    if spec in ("auto", "qwen"):
        snapshot, damaged = real_model_cache_state()  # read once: it opens the weights' header
        if snapshot and not damaged:
            return ResolvedModel("qwen", snapshot, t("{model} from the Hugging Face cache ({path})", model=REAL_MODEL_ID, path=snapshot))
        from_modelscope, problem = modelscope_copy_state()
        if from_modelscope and not problem:
            return ResolvedModel("qwen", from_modelscope, t("{model} from the ModelScope cache ({path})", model=REAL_MODEL_ID, path=from_modelscope))
        if hub_reachable():
            log(t("Downloading {model} (about 1 GB, once) into {cache} ...", model=REAL_MODEL_ID, cache=hf_cache_dir()))
            try:
                path = download_real_model()
                return ResolvedModel("qwen", path, t("{model}, just downloaded to {path}", model=REAL_MODEL_ID, path=path))
            except Exception as error:  # noqa: BLE001 - a dropped connection must not end the session
                interrupted = t("the download of {model} was interrupted ({kind}: {error}); `kata download` resumes it",
                                model=REAL_MODEL_ID, kind=type(error).__name__, error=error)
                if spec == "qwen":
                    raise ModelUnavailable(interrupted) from None
                return dataclasses.replace(_standin(), note=t("{interrupted}. Meanwhile the offline stand-in is used.",
                                                                 interrupted=interrupted))
        if spec == "qwen":
            raise ModelUnavailable(_qwen_unavailable_message(damaged))
        why = (t("your cached copy of {model} is damaged ({damaged})", model=REAL_MODEL_ID, damaged=damaged) if damaged
               else t("{model} is not cached", model=REAL_MODEL_ID))
        return dataclasses.replace(
            _standin(),
            note=t("{why}; the hub is unreachable, so the offline stand-in is used. {how}", why=why, how=how_to_get_qwen(short=True)),
        )
    path = Path(spec).expanduser()
    if not (path / "config.json").is_file():
        raise ModelUnavailable(t(
            "the model {spec!r} ({where}) is neither one of {modes} nor a directory with a config.json (a model saved "
            "with save_pretrained).", spec=spec, where=_where_spec_came_from(spec), modes=", ".join(MODES)))
    return ResolvedModel("path", path.resolve(), t("local directory {path}", path=path.resolve()))


def _where_spec_came_from(spec: str) -> str:
    return t("from KATA_MODEL") if os.environ.get("KATA_MODEL") == spec else t("from --model")


def _standin() -> ResolvedModel:
    from kata.model import standin

    path = standin.standin_dir()  # shipped with the course: loaded, never built, here
    return ResolvedModel("tiny", path, t("offline stand-in (tiny Qwen2, {path})", path=path))


def pick_device():
    """cuda, then mps, then cpu; ``KATA_DEVICE`` overrides."""
    import torch

    if os.environ.get("KATA_DEVICE"):
        return torch.device(os.environ["KATA_DEVICE"])
    if torch.cuda.is_available():
        return torch.device("cuda")
    if getattr(torch.backends, "mps", None) and torch.backends.mps.is_available():
        return torch.device("mps")
    return torch.device("cpu")


def load(resolved: ResolvedModel, device=None):
    """Load (model, tokenizer) from a resolved directory: its own dtype, eval mode, no grads."""
    from transformers import AutoModelForCausalLM, AutoTokenizer
    device = device or pick_device()
    tokenizer = AutoTokenizer.from_pretrained(resolved.path)
    with quiet_transformers():  # no "Loading weights" bar between the test lines
        model = AutoModelForCausalLM.from_pretrained(resolved.path, dtype="auto")
    model.to(device).eval()
    model.requires_grad_(False)
    return model, tokenizer
