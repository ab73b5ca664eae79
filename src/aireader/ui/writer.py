"""Store writes off the event loop, in the order the user made them."""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any

from aireader.core.store import StoreError


class StateWriter:
    """One background thread that runs store writes one after another.

    Each write is its own committed transaction; a failed one is reported through
    ``on_error`` (called on the writer thread) and does not stop the next.
    """

    def __init__(self, on_error: Callable[[str], None]) -> None:
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="aireader-store")
        self._on_error = on_error
        self._last: Future[None] | None = None
        self.submitted = 0
        """How many writes were ever submitted: a reader of the store can tell if it raced one."""

    def submit(self, fn: Callable[..., None], *args: Any) -> None:
        def run() -> None:
            try:
                fn(*args)
            except StoreError as exc:
                self._on_error(str(exc))

        self.submitted += 1
        self._last = self._pool.submit(run)

    def flush(self) -> None:
        """Wait until every write submitted so far is committed."""
        if self._last is not None:
            self._last.result()

    def close(self) -> None:
        self._pool.shutdown(wait=True)
