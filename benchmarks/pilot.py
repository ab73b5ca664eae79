"""An in-process measure with Textual's Pilot: key presses in the article list.

Each measure runs aireader's :class:`ReaderApp` headless (``app.run_test``) in
this process. :mod:`benchmarks.run` starts this module as a child process, one
measure per child, so that a hang, a crash or a changed app API costs one figure
(shown as ``n/a: <reason>``), never the whole benchmark, and so that a 100k
library loaded here does not weigh on the runner::

    python -m benchmarks.pilot keys FOLDER --count N [--presses 100]

The result is one line on stdout, ``BENCH-RESULT {json}``; a failure is reported
the same way, as ``{"error": "..."}``.

The screen is read as text from Textual's compositor (what a terminal would show),
so waiting "until loaded" means: the status bar shows the full article count and
no ``loading``/``indexing`` word, just as the pty measures wait.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import re
import statistics
import sys
import tempfile
import time
import traceback
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager, suppress
from pathlib import Path
from typing import Any

from benchmarks.readiness import is_done

RESULT_PREFIX = "BENCH-RESULT "
SIZE = (120, 40)
WORKER_GRACE = 5.0
"""Seconds the app's workers may take to finish once the library is shown in full."""


class MeasureError(Exception):
    """A measure could not be taken; the message says why, in a few words."""


def screen_lines(app: Any) -> list[str]:
    """The app's screen as lines of text, as the compositor would draw it."""
    try:
        strips = app.screen._compositor.render_strips()  # private, but exact and cheap
        return [strip.text for strip in strips]
    except AttributeError:  # fall back on the public screenshot (slower, approximate)
        svg = app.export_screenshot()
        rows: dict[str, list[str]] = {}
        for y, text in re.findall(r'<text[^>]*\by="([\d.]+)"[^>]*>([^<]*)</text>', svg):
            rows.setdefault(y, []).append(_unescape(text))
        return ["".join(parts) for _, parts in sorted(rows.items(), key=lambda kv: float(kv[0]))]


def _unescape(text: str) -> str:
    import html

    return html.unescape(text).replace("\xa0", " ")


async def wait_loaded(app: Any, pilot: Any, count: int, timeout: float) -> float:
    """Wait until the library is in; the seconds that took.

    In: the screen counts every article and says nothing is under way. Then the
    app's workers get a few seconds to finish what they still do (a cache being
    written, say), but no more, so that a worker that never ends cannot hang this.
    """
    started = time.perf_counter()
    while not is_done(screen_lines(app), count):
        if time.perf_counter() - started > timeout:
            status = [line.strip() for line in screen_lines(app)[-2:]]
            raise MeasureError(f"not loaded after {timeout:.0f} s; status line: {status!r}")
        await pilot.pause(0.05)
    loaded = time.perf_counter() - started
    with suppress(TimeoutError):
        await asyncio.wait_for(app.workers.wait_for_complete(), WORKER_GRACE)
    await pilot.pause()
    return loaded


def _make_app(folder: Path, state_dir: Path) -> Any:
    try:
        from aireader.core.store import Store
        from aireader.ui.app import ReaderApp
    except ImportError as exc:
        raise MeasureError(f"cannot import the app: {exc}") from exc
    try:
        return ReaderApp(folder, Store.open(state_dir / "state.sqlite3"))
    except TypeError as exc:
        raise MeasureError(f"ReaderApp(folder, store) no longer fits: {exc}") from exc


def _close(app: Any) -> None:
    """Let the app's writer and store go, as the command line does after ``run()``."""
    for closer in (
        getattr(getattr(app, "writer", None), "close", None),
        getattr(getattr(app, "store", None), "close", None),
    ):
        if callable(closer):
            with suppress(Exception):
                closer()


def _article_list(app: Any) -> Any:
    try:
        article_list = app.screen.query_one("ArticleList")
    except Exception as exc:
        raise MeasureError(f"no ArticleList on the screen: {exc}") from exc
    if not hasattr(article_list, "current"):
        raise MeasureError("ArticleList has no .current")
    return article_list


@asynccontextmanager
async def running_app(folder: Path) -> AsyncIterator[tuple[Any, Any]]:
    """aireader on ``folder``, headless at 120x40, with a throw-away state folder."""
    with tempfile.TemporaryDirectory(prefix="aireader-bench-state-") as state:
        app = _make_app(folder, Path(state))
        try:
            async with app.run_test(size=SIZE) as pilot:
                yield app, pilot
        finally:
            _close(app)


async def measure_keys(folder: Path, count: int, presses: int, timeout: float) -> dict[str, Any]:
    """Time ``presses`` presses of ``j`` in the article list, once the library is in."""
    async with running_app(folder) as (app, pilot):
        load_seconds = await wait_loaded(app, pilot, count, timeout)
        article_list = _article_list(app)
        before = getattr(article_list, "cursor", None)
        first = article_list.current
        started = time.perf_counter()
        for _ in range(presses):
            await pilot.press("j")
        total = time.perf_counter() - started
        after = getattr(article_list, "cursor", None)
        if article_list.current is first and count > 1:
            raise MeasureError("j did not move the cursor (is the list focused?)")
        bursts = await _bursts(app, article_list, presses, timeout=60.0)
    moved = after - before if isinstance(after, int) and isinstance(before, int) else None
    return {
        "presses": presses,
        "total_s": total,
        "per_press_ms": total / presses * 1000,
        "rows_moved": moved,
        "burst_rounds_s": bursts,
        "burst_per_press_ms": statistics.median(bursts) / presses * 1000 if bursts else None,
        "load_s": load_seconds,
    }


BURST_ROUNDS = 5


async def _bursts(app: Any, article_list: Any, presses: int, timeout: float) -> list[float]:
    """Seconds for the app to act on ``presses`` keys sent at once, for several rounds.

    ``pilot.press`` sleeps at least twice 20 ms per key to let the app go idle, so
    it mostly measures those sleeps. Here the keys are posted together and the
    clock stops when the cursor has moved that far: the app's own cost per key.
    Rounds go down with ``j`` and back up with ``k``. Empty when the list has no
    integer ``cursor`` to watch, or too few rows.
    """
    from textual import events

    before = getattr(article_list, "cursor", None)
    rows = getattr(article_list, "row_count", None)
    if not isinstance(before, int) or not isinstance(rows, int) or before + presses >= rows:
        return []
    times = []
    for round_ in range(BURST_ROUNDS):
        key, goal = ("j", before + presses) if round_ % 2 == 0 else ("k", before)
        started = time.perf_counter()
        for _ in range(presses):
            app.post_message(events.Key(key, key))
        while article_list.cursor != goal:
            if time.perf_counter() - started > timeout:
                raise MeasureError(
                    f"{presses} {key} keys sent at once not handled in {timeout:.0f} s"
                )
            await asyncio.sleep(0.001)
        times.append(time.perf_counter() - started)
    return times


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.pilot", description=__doc__.split("\n")[0]
    )
    parser.add_argument("measure", choices=("keys",))
    parser.add_argument("folder", type=Path)
    parser.add_argument("--count", type=int, required=True, help="articles in the folder")
    parser.add_argument("--presses", type=int, default=100)
    parser.add_argument("--timeout", type=float, default=900.0, help="for loading the library")
    args = parser.parse_args(argv)
    result: dict[str, Any]
    try:
        coro = measure_keys(args.folder, args.count, args.presses, args.timeout)
        result = asyncio.run(coro)
    except MeasureError as exc:
        result = {"error": str(exc)}
    except Exception as exc:  # a changed API: say what broke, in one line
        where = traceback.extract_tb(exc.__traceback__)[-1]
        result = {
            "error": f"{type(exc).__name__}: {exc} ({Path(where.filename).name}:{where.lineno})"
        }
    print(RESULT_PREFIX + json.dumps(result), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
