"""ModelScope (魔搭), the other place Qwen2.5-0.5B-Instruct is published: reachable from mainland
China, where the Hugging Face hub often is not.

`kata download --source modelscope` fetches the model with the `modelscope` package (an optional
dependency: `pip install modelscope`) into its own cache, and the course finds it there, as it
finds the Hugging Face cache, without any network.
"""

from __future__ import annotations

import os
from pathlib import Path

MODEL_ID = "Qwen/Qwen2.5-0.5B-Instruct"  # the same id on both hubs


class ModelScopeMissing(RuntimeError):
    pass


def cache_dir() -> Path:
    """Where modelscope puts models: MODELSCOPE_CACHE, else ~/.cache/modelscope/hub."""
    root = os.environ.get("MODELSCOPE_CACHE")
    return Path(root).expanduser() if root else Path.home() / ".cache" / "modelscope" / "hub"


def _record() -> Path:
    """Where `kata download --source modelscope` notes the folder it got: modelscope's layout
    differs between its versions (some write '.' in names as '___'), the folder it returns does not."""
    from kata.model.standin import default_cache_root

    return default_cache_root() / "modelscope-qwen2.5-0.5b-instruct.txt"


def candidate_dirs() -> list[Path]:
    recorded = [Path(_record().read_text(encoding="utf-8").strip())] if _record().is_file() else []
    owner, name = MODEL_ID.split("/")
    root = cache_dir()
    return recorded + [root / "models" / owner / name, root / owner / name, root / owner / name.replace(".", "___"),
                       root / "models" / owner / name.replace(".", "___")]


def download() -> Path:
    """Fetch the model from ModelScope (resumable, with its own progress bars)."""
    try:
        from modelscope import snapshot_download
    except ImportError:
        raise ModelScopeMissing("the ModelScope source needs the modelscope package: pip install modelscope") from None
    path = Path(snapshot_download(MODEL_ID, cache_dir=str(cache_dir()),
                                  allow_patterns=["*.json", "*.safetensors", "*.txt", "*.jinja"]))
    _record().parent.mkdir(parents=True, exist_ok=True)
    _record().write_text(str(path.resolve()), encoding="utf-8")
    return path
