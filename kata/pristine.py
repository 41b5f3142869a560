"""The shipped versions of the files a learner may change: stubs and graded tests.

``kata/pristine.json`` records the git blob id of each one as shipped. That tells whether a
graded test file was edited (a test that was changed proves nothing), and lets ``kata reset``
restore any of them from the repository's own history with ``git cat-file``, so no second copy
of the stubs is kept. ``python -m kata.pristine`` rewrites the record after an intended change.
"""

from __future__ import annotations

import hashlib
import json
import subprocess
from pathlib import Path

from kata.errors import KataError
from kata.manifest import ROOT, exercises

RECORD = Path(__file__).with_name("pristine.json")


class PristineError(KataError):
    pass


def blob_id(content: bytes) -> str:
    """What `git hash-object` prints for this content."""
    return hashlib.sha1(b"blob %d\0" % len(content) + content).hexdigest()


def tracked_files() -> list[Path]:
    files = []
    for exercise in exercises():
        files.append(exercise.module_path())
        files.extend(sorted(exercise.folder().glob("test_*.py")))
    return files


def current_record() -> dict[str, str]:
    return {str(p.relative_to(ROOT)): blob_id(p.read_bytes()) for p in tracked_files() if p.exists()}


def shipped_record() -> dict[str, str]:
    return json.loads(RECORD.read_text(encoding="utf-8"))


def edited_test_files() -> list[str]:
    """Graded test files that differ from the shipped ones (or are missing)."""
    shipped = shipped_record()
    edited = []
    for rel, blob in shipped.items():
        if not Path(rel).name.startswith("test_"):
            continue
        path = ROOT / rel
        if not path.exists() or blob_id(path.read_bytes()) != blob:
            edited.append(rel)
    return edited


def shipped_content(rel: str) -> bytes:
    blob = shipped_record().get(rel)
    if blob is None:
        raise PristineError(f"{rel} is not a file the course ships")
    try:
        proc = subprocess.run(["git", "cat-file", "blob", blob], cwd=ROOT, capture_output=True, timeout=30)
    except (OSError, subprocess.TimeoutExpired) as error:
        raise PristineError(f"git is needed to restore {rel} ({error}); download the course again to get it") from None
    if proc.returncode != 0:
        raise PristineError(f"the shipped {rel} is not in this repository's git history; clone the course again to get it")
    return proc.stdout


def restore(rel: str) -> None:
    (ROOT / rel).write_bytes(shipped_content(rel))


if __name__ == "__main__":
    RECORD.write_text(json.dumps(current_record(), indent=1) + "\n", encoding="utf-8")
    print(f"wrote {RECORD.relative_to(ROOT)} ({len(current_record())} files)")
