"""Writing a file whole or not at all: what aireader writes outside its databases."""

from __future__ import annotations

import contextlib
import os
from pathlib import Path


def write_whole(target: Path, text: str) -> None:
    """Write ``text`` to ``target`` whole or not at all: to a temporary file beside
    it, synced, then renamed over it. Raises OSError; leaves no temporary file."""
    temporary = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    try:
        with temporary.open("w", encoding="utf-8", newline="\n") as out:
            out.write(text)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temporary, target)
    finally:
        with contextlib.suppress(OSError):
            temporary.unlink(missing_ok=True)
