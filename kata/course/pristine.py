"""The shipped versions of the files a learner may change: stubs and graded tests.

``kata/shipped.zip`` holds each one as released. It tells whether a graded test file was edited
(a test that was changed proves nothing), and lets ``kata reset`` restore any of them in every
copy of the course: a git clone, GitHub's "Download ZIP", a folder from a USB stick.
``python -m kata.course.pristine`` rewrites it after an intended change (byte for byte reproducible, so
git sees a change only when a file changed).
"""

from __future__ import annotations

import hashlib
import io
import zipfile
from functools import lru_cache
from pathlib import Path

from kata.core.errors import KataError
from kata.course.manifest import ROOT, exercises
from kata.i18n import t

ARCHIVE = Path(__file__).parents[1] / "shipped.zip"
_FIXED_TIME = (2020, 1, 1, 0, 0, 0)  # no timestamps: the same files give the same archive


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
    return {p.relative_to(ROOT).as_posix(): blob_id(p.read_bytes()) for p in tracked_files() if p.exists()}


@lru_cache(maxsize=1)
def _shipped() -> dict[str, bytes]:
    try:
        with zipfile.ZipFile(ARCHIVE) as archive:
            return {name: archive.read(name) for name in archive.namelist()}
    except (OSError, zipfile.BadZipFile) as error:
        raise PristineError(t("{archive}, the record of the shipped files, is unreadable ({error}); download the course again",
                              archive=ARCHIVE.name, error=error)) from None


def shipped_record() -> dict[str, str]:
    return {rel: blob_id(content) for rel, content in _shipped().items()}


def edited_test_files() -> list[str]:
    """Graded test files that differ from the shipped ones (or are missing)."""
    edited = []
    for rel, content in _shipped().items():
        if not Path(rel).name.startswith("test_"):
            continue
        path = ROOT / rel
        if not path.exists() or path.read_bytes() != content:
            edited.append(rel)
    return edited


def shipped_content(rel: str) -> bytes:
    content = _shipped().get(rel)
    if content is None:
        raise PristineError(t("{rel} is not a file the course ships", rel=rel))
    return content


def write_archive() -> int:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in tracked_files():
            info = zipfile.ZipInfo(path.relative_to(ROOT).as_posix(), date_time=_FIXED_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, path.read_bytes())
    ARCHIVE.write_bytes(buffer.getvalue())
    _shipped.cache_clear()
    return len(tracked_files())


if __name__ == "__main__":
    print(f"wrote {ARCHIVE.relative_to(ROOT)} ({write_archive()} files)")
