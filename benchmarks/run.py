"""Run every aireader benchmark and print the figures, the ratios and the targets.

From the repository root, with the project's Python::

    python -m benchmarks.run                    # 1k, 10k, 100k articles; 5 runs each
    python -m benchmarks.run --quick            # 1k and 10k; 1 run each
    python -m benchmarks.run --sizes 1000,10000 --runs 3

What is measured (medians of ``--runs`` runs unless said otherwise):

* **floor**: fork of a bare Textual app (:mod:`benchmarks.floor_app`) in a 120x40
  pty until its first frame shows its one word: 5 runs first, then one just
  before each counted start of aireader, so that the floor every start-up ratio
  divides by (the median of them all) spans the same minutes as the starts (the
  machine is shared: its speed drifts within a run).
* **scan floor**: in this process, read every file of a library and parse its
  front matter with ``frontmatter.loads``: the naive cost of the library's bytes.
  One uncounted pass puts the files in the OS page cache (as for the cold
  starts, which follow a warm-up run), then the median of up to 3 passes.
* **cold / warm start**: fork of ``python -m aireader FOLDER`` in the pty until
  any of the library's titles shows (first titles), until the newest article's
  title shows (it belongs at the top of the list), and until the status bar
  counts every article with nothing busy (full index). Cold: a fresh, empty
  ``AIREADER_CACHE_DIR`` per run. Warm: a cache filled by one earlier run that
  went to the end and quit with ``q``. ``AIREADER_DATA_DIR`` is always a
  throw-away folder. Peak memory is the process's ``VmHWM`` (and, sampled, the
  process with its worker processes), read just before it is stopped.
* **bundled**: the warm start of ``aireader`` with no folder (the sample library).
* **j**: in a child process, aireader headless under Textual's Pilot, 100
  ``await pilot.press("j")`` once loaded; also the same 100 keys posted at once.
* **1 MB article**: in the pty, warm: ``j`` down to a 1 MB article, then Enter,
  until its first words are on the screen (median of the runs).
* **keys**: :mod:`benchmarks.keys` at 120x40: each reading key's first visible
  change (characters or colours) and, for Enter, the article's first lines,
  timed from outside in the pty; ``--no-keys`` skips it.
* **search**: :mod:`benchmarks.search` in a child process, per size: the latency
  of a fixed mix of 200 queries (p50, p95, max) over the library's index, and
  the one-time cost of loading the articles for search. ``--no-search`` skips it.

The child processes run the repository's ``src/`` (put first on ``PYTHONPATH``),
not whatever aireader may be installed. Each figure that cannot be taken reads
``n/a`` with the reason; nothing here asserts a timing. The results are printed
as tables and written as JSON to ``benchmarks/results/latest.json``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path
from typing import Any

from benchmarks import generate
from benchmarks.floor_app import WORD as FLOOR_WORD
from benchmarks.pilot import RESULT_PREFIX
from benchmarks.readiness import TitleFinder, is_done, title_needle
from benchmarks.terminal import PtySession, Screen, SessionError

REPO = Path(__file__).resolve().parents[1]
SRC = REPO / "src"
RESULTS = REPO / "benchmarks" / "results"
TERMINAL = (120, 40)
FLOOR_RUNS = 5
TARGET_SIZE = 100_000
"""The size the start-up, index and memory targets are set for."""
NO_GROWTH = 1.25
"""A per-press ratio up to this counts as "no growth" (timer noise on a busy 2-core box)."""
SEARCH_TARGET_MS = 30.0
"""The p95 latency target for the search mix (see :mod:`benchmarks.search`)."""

Result = dict[str, Any]


def log(message: str) -> None:
    """Progress, on stderr, so that stdout is only the report."""
    print(message, file=sys.stderr, flush=True)


# -- formatting ---------------------------------------------------------------------


def fmt_seconds(value: float | None) -> str:
    if value is None:
        return "n/a"
    if value < 1:
        return f"{value * 1000:.0f} ms"
    return f"{value:.2f} s" if value < 10 else f"{value:.1f} s"


def fmt_ms(value: float | None) -> str:
    if value is None:
        return "n/a"
    return f"{value:.2f} ms" if value < 10 else f"{value:.1f} ms"


def fmt_mb(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.0f} MB"


def fmt_ratio(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.2f}x"


def fmt_size(n: int) -> str:
    return f"{n // 1000}k" if n >= 1000 and n % 1000 == 0 else str(n)


def table(rows: Sequence[Sequence[str]], *, right: Sequence[int] = ()) -> str:
    """Plain-text columns; the first row is the header, underlined."""
    widths = [max(len(row[i]) for row in rows if i < len(row)) for i in range(len(rows[0]))]

    def line(row: Sequence[str]) -> str:
        cells = [
            cell.rjust(widths[i]) if i in right else cell.ljust(widths[i])
            for i, cell in enumerate(row)
        ]
        return "  ".join(cells).rstrip()

    rule = "  ".join("-" * w for w in widths)
    return "\n".join([line(rows[0]), rule, *(line(row) for row in rows[1:])])


# -- figures --------------------------------------------------------------------------


@dataclass
class Samples:
    """Several runs of one measure: the values that came, and why others did not."""

    values: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    @property
    def median(self) -> float | None:
        return statistics.median(self.values) if self.values else None

    @property
    def maximum(self) -> float | None:
        return max(self.values) if self.values else None

    def why_not(self) -> str:
        return self.errors[0] if self.errors else "not measured"

    def as_json(self) -> Result:
        return {"median": self.median, "samples": self.values, "errors": self.errors}


@dataclass
class StartRuns:
    """Start-up runs of aireader on one library, cold or warm."""

    first_titles: Samples = field(default_factory=Samples)
    newest_title: Samples = field(default_factory=Samples)
    done: Samples = field(default_factory=Samples)
    peak_rss_mb: Samples = field(default_factory=Samples)
    peak_tree_mb: Samples = field(default_factory=Samples)
    floor: Samples = field(default_factory=Samples)
    """The floor, started just before each of these runs (kept to show drift)."""
    fill_s: float | None = None
    """For warm runs: how long the run that filled the cache took to be done."""

    def as_json(self) -> Result:
        return {
            "fill_run_done_s": self.fill_s,
            "paired_floor_s": self.floor.as_json(),
            "first_titles_s": self.first_titles.as_json(),
            "newest_title_s": self.newest_title.as_json(),
            "full_index_s": self.done.as_json(),
            "peak_rss_mb": self.peak_rss_mb.as_json(),
            "peak_tree_mb": self.peak_tree_mb.as_json(),
        }


# -- the environment -----------------------------------------------------------------


@dataclass
class Bench:
    """Where things are, and how children are started."""

    workdir: Path
    runs: int
    timeout: float
    python: str = sys.executable
    notes: list[str] = field(default_factory=list)
    floor: Samples = field(default_factory=Samples)
    """Every floor start of the run: the first few, then one before each aireader start."""

    def env(self, *, cache: Path, data: Path, with_bench: bool = False) -> dict[str, str]:
        """The environment of an aireader child: repo ``src`` first, throw-away folders."""
        env = dict(os.environ)
        paths = [str(SRC)] + ([str(REPO)] if with_bench else [])
        if env.get("PYTHONPATH"):
            paths.append(env["PYTHONPATH"])
        env.update(
            PYTHONPATH=os.pathsep.join(paths),
            TERM="xterm-256color",
            AIREADER_CACHE_DIR=str(cache),
            AIREADER_DATA_DIR=str(data),
        )
        env.pop("COLUMNS", None)
        env.pop("LINES", None)
        return env

    @contextmanager
    def tempdir(self, label: str) -> Iterator[Path]:
        """A folder under the work dir, removed afterwards (caches can be large)."""
        root = self.workdir / "tmp"
        root.mkdir(parents=True, exist_ok=True)
        path = Path(tempfile.mkdtemp(prefix=f"{label}-", dir=root))
        try:
            yield path
        finally:
            shutil.rmtree(path, ignore_errors=True)

    def save_screen(self, label: str, screen: Screen) -> Path:
        """Keep the last screen of a failed run, for a person to look at."""
        RESULTS.mkdir(parents=True, exist_ok=True)
        path = RESULTS / f"failed-{label}.txt"
        path.write_text(screen.text() + "\n", encoding="utf-8")
        return path


# -- measures ----------------------------------------------------------------------------


def floor_once(bench: Bench, samples: Samples, *also: Samples) -> float | None:
    """One fork of the bare Textual app to its first frame, into ``samples`` (and ``also``)."""
    argv = [bench.python, str(REPO / "benchmarks" / "floor_app.py")]
    with bench.tempdir("floor") as tmp:
        env = bench.env(cache=tmp, data=tmp)
        with PtySession(argv, env=env, size=TERMINAL, cwd=str(REPO)) as session:
            try:
                seen = session.wait_for(
                    lambda s: s.contains(FLOOR_WORD), bench.timeout, f"{FLOOR_WORD!r}"
                )
            except SessionError as exc:
                samples.errors.append(str(exc))
                bench.save_screen("floor", session.screen)
                return None
    for each in (samples, *also):
        each.values.append(seen.seconds)
    return seen.seconds


def measure_floor(bench: Bench) -> Samples:
    """Fork to first frame of the bare Textual app; one discarded warm-up run first.

    More floor samples join these during the run: one just before each counted
    start of aireader (see :func:`start_runs`).
    """
    samples = bench.floor
    floor_once(bench, Samples())  # warms the OS caches; not counted
    for _ in range(FLOOR_RUNS):
        floor_once(bench, samples)
    log(f"floor: {fmt_seconds(samples.median)} (samples {_list(samples.values)})")
    return samples


def _list(values: Sequence[float]) -> str:
    return ", ".join(fmt_seconds(v) for v in values)


@dataclass(frozen=True)
class Subject:
    """A library to start aireader on, and what its screen will show."""

    label: str
    args: tuple[str, ...]
    """aireader's arguments: the folder, or nothing for the bundled library."""
    count: int
    titles: tuple[str, ...]
    """Every title, newest first."""

    @property
    def newest_needle(self) -> str:
        return title_needle(self.titles[0])


def start_once(
    bench: Bench,
    subject: Subject,
    finder: TitleFinder,
    *,
    cache: Path,
    data: Path,
    label: str,
    quit_after: bool = False,
) -> Result:
    """One start of aireader: seconds to first titles, newest title and done; memory.

    With ``quit_after`` the app is asked to quit with ``q`` once done (so that it
    can write whatever it keeps), instead of being terminated.
    """
    argv = [bench.python, "-m", "aireader", *subject.args]
    env = bench.env(cache=cache, data=data)
    needle, count = subject.newest_needle, subject.count
    conditions: dict[str, Callable[[Screen], bool]] = {
        "first_titles_s": lambda s: finder.first_on(s.text_lines()) is not None,
        "newest_title_s": lambda s: s.contains(needle),
        "done_s": lambda s: is_done(s.text_lines(), count),
    }
    result: Result = {}
    with PtySession(argv, env=env, size=TERMINAL, cwd=str(REPO)) as session:
        try:
            result.update(session.watch(conditions, until="done_s", timeout=bench.timeout))
        except SessionError as exc:
            result.update(exc.seen)
            saved = bench.save_screen(label, session.screen)
            result["error"] = (
                f"{exc} ('{count:,} articles' and no busy word; "
                f"last screen: {saved.relative_to(REPO)})"
            )
        if "done_s" in result and "newest_title_s" not in result:
            saved = bench.save_screen(f"{label}-newest", session.screen)
            result["newest_error"] = (
                f"the newest title {needle!r} was not on screen when done "
                f"(screen: {saved.relative_to(REPO)})"
            )
        result["peak_rss_mb"] = session.peak_rss_mb()
        result["peak_tree_mb"] = session.peak_tree_mb or None
        if quit_after and "error" not in result:
            session.send(b"q")
            if not session.wait_exit(60):
                result["quit_error"] = "did not exit within 60 s of q"
    return result


def start_runs(bench: Bench, subject: Subject, *, warm: bool) -> StartRuns:
    """``bench.runs`` starts, cold (a fresh cache each) or warm (one cache, filled first)."""
    runs = StartRuns()
    kind = "warm" if warm else "cold"
    label = subject.label
    finder = TitleFinder(subject.titles)
    with bench.tempdir(f"{label}-{kind}-cache") as shared, bench.tempdir(f"{label}-data") as data:
        if warm:
            fill = start_once(
                bench,
                subject,
                finder,
                cache=shared,
                data=data,
                label=f"{label}-fill",
                quit_after=True,
            )
            if "error" in fill:
                error = f"filling the cache: {fill['error']}"
                for samples in (runs.first_titles, runs.newest_title, runs.done):
                    samples.errors.append(error)
                log(f"{label} warm: {error}")
                return runs
            runs.fill_s = fill["done_s"]
            log(f"{label} fill run (cold, then q): done in {fmt_seconds(runs.fill_s)}")
        for run in range(1, bench.runs + 1):
            # The floor again before each start: the machine is shared and its speed
            # drifts, so the floor is sampled all through the run, not only at first.
            floor = floor_once(bench, runs.floor, bench.floor)
            with bench.tempdir(f"{label}-cold-cache") as fresh:
                result = start_once(
                    bench,
                    subject,
                    finder,
                    cache=shared if warm else fresh,
                    data=data,
                    label=f"{label}-{kind}",
                )
            _record(runs, result)
            problems = [result[k] for k in ("error", "newest_error") if k in result]
            log(
                f"{label} {kind} {run}/{bench.runs}: floor {fmt_seconds(floor)}, first titles "
                f"{fmt_seconds(result.get('first_titles_s'))}, newest title "
                f"{fmt_seconds(result.get('newest_title_s'))}, done "
                f"{fmt_seconds(result.get('done_s'))}, VmHWM {fmt_mb(result.get('peak_rss_mb'))}"
                + "".join(f"\n  {p}" for p in problems)
            )
    return runs


def _record(runs: StartRuns, result: Result) -> None:
    for key, samples in (
        ("first_titles_s", runs.first_titles),
        ("newest_title_s", runs.newest_title),
        ("done_s", runs.done),
    ):
        if result.get(key) is not None:
            samples.values.append(result[key])
        elif key == "newest_title_s" and "newest_error" in result:
            samples.errors.append(result["newest_error"])
        else:
            samples.errors.append(result.get("error", "no figure"))
    # Memory counts only for a run that got to the end: it is the peak of a full index.
    if result.get("done_s") is not None:
        for key, samples in (
            ("peak_rss_mb", runs.peak_rss_mb),
            ("peak_tree_mb", runs.peak_tree_mb),
        ):
            if result.get(key) is not None:
                samples.values.append(result[key])


def scan_floor(root: Path, runs: int) -> Result:
    """Read every article file under ``root`` and parse its front matter, naively.

    One pass first, not counted, so the files are in the OS page cache as they are
    for aireader's cold starts (each of which follows an uncounted warm-up run);
    then the median of ``runs`` passes (at most 3: a pass over 100k takes seconds).
    """
    try:
        import frontmatter
    except ImportError as exc:
        return {"error": f"python-frontmatter is not importable: {exc}"}

    def one_pass() -> tuple[float, int]:
        started = time.perf_counter()
        files = 0
        for folder, subfolders, names in os.walk(root):
            subfolders.sort()
            for name in sorted(names):
                if name.endswith((".md", ".markdown", ".txt")) and not name.startswith("."):
                    with open(os.path.join(folder, name), encoding="utf-8") as file:
                        frontmatter.loads(file.read())
                    files += 1
        return time.perf_counter() - started, files

    first, files = one_pass()
    samples = [one_pass()[0] for _ in range(max(1, min(runs, 3)))]
    return {
        "seconds": statistics.median(samples),
        "samples": samples,
        "first_pass_s": first,
        "files": files,
    }


def run_pilot(
    bench: Bench, measure: str, folder: Path, extra: Sequence[str], *, cache: Path
) -> Result:
    """One Pilot measure in a child process (see :mod:`benchmarks.pilot`)."""
    argv = [bench.python, "-m", "benchmarks.pilot", measure, str(folder), *extra]
    argv += ["--timeout", str(bench.timeout)]
    with bench.tempdir("pilot-data") as data:
        env = bench.env(cache=cache, data=data, with_bench=True)
        try:
            done = subprocess.run(
                argv,
                env=env,
                cwd=REPO,
                capture_output=True,
                text=True,
                timeout=bench.timeout * 2 + 120,
                check=False,
            )
        except subprocess.TimeoutExpired:
            return {"error": f"pilot {measure} did not finish in {bench.timeout * 2 + 120:.0f} s"}
    for line in reversed(done.stdout.splitlines()):
        if line.startswith(RESULT_PREFIX):
            result: Result = json.loads(line[len(RESULT_PREFIX) :])
            return result
    tail = (done.stderr.strip().splitlines() or ["no output"])[-1]
    return {"error": f"pilot {measure} exited {done.returncode}: {tail[:200]}"}


@dataclass
class SizeResult:
    """Everything measured on one synthetic library."""

    n: int
    scan: Result = field(default_factory=dict)
    cold: StartRuns = field(default_factory=StartRuns)
    warm: StartRuns = field(default_factory=StartRuns)
    keys: Result = field(default_factory=dict)
    search: Result = field(default_factory=dict)
    library: str = ""

    @property
    def scan_s(self) -> float | None:
        value = self.scan.get("seconds")
        return float(value) if value is not None else None

    def as_json(self) -> Result:
        full = self.cold.done.median
        return {
            "articles": self.n,
            "library": self.library,
            "scan_floor": self.scan,
            "cold": self.cold.as_json(),
            "warm": self.warm.as_json(),
            "full_index_s": full,
            "index_rate_per_s": self.n / full if full else None,
            "j_presses": self.keys,
            "search": self.search,
        }


def measure_size(bench: Bench, n: int, seed: int, *, search: bool = True) -> SizeResult:
    log(f"\n== {n:,} articles ==")
    started = time.perf_counter()
    library = generate.synthetic_library(bench.workdir, n, seed)
    log(f"library ready in {time.perf_counter() - started:.1f} s: {library.root}")
    out = SizeResult(n, library=str(library.root))
    manifest = json.loads(library.manifest_path.read_text(encoding="utf-8"))
    subject = Subject(f"n{n}", (str(library.root),), n, tuple(manifest["titles_newest_first"]))
    out.scan = scan_floor(library.root, bench.runs)
    log(f"scan floor: {fmt_seconds(out.scan_s)} ({out.scan.get('files', 0):,} files)")
    out.cold = start_runs(bench, subject, warm=False)
    out.warm = start_runs(bench, subject, warm=True)
    with bench.tempdir(f"{subject.label}-pilot-cache") as cache:
        out.keys = run_pilot(bench, "keys", library.root, ["--count", str(n)], cache=cache)
    log(f"j x100: {json.dumps(out.keys)}")
    if search:
        out.search = measure_search(bench, n, seed)
    return out


def measure_search(bench: Bench, n: int, seed: int) -> Result:
    """:mod:`benchmarks.search` on one size, in a child process; its report goes to the log."""
    with bench.tempdir("search") as tmp:
        output = tmp / "search.json"
        argv = [bench.python, "-m", "benchmarks.search", "--sizes", str(n)]
        argv += ["--workdir", str(bench.workdir), "--seed", str(seed), "--output", str(output)]
        try:
            done = subprocess.run(
                argv,
                env=bench.env(cache=tmp, data=tmp, with_bench=True),
                cwd=REPO,
                capture_output=True,
                text=True,
                timeout=bench.timeout * 2,
                check=False,
            )
        except subprocess.TimeoutExpired:
            return {"error": f"search did not finish in {bench.timeout * 2:.0f} s"}
        for line in done.stdout.splitlines():
            log(line)
        try:
            result: Result = json.loads(output.read_text(encoding="utf-8"))["sizes"][str(n)]
        except (OSError, ValueError, KeyError):
            tail = (done.stderr.strip().splitlines() or ["no output"])[-1]
            return {"error": f"search exited {done.returncode}: {tail[:200]}"}
    return result


def measure_bundled(bench: Bench) -> tuple[StartRuns, Result]:
    """Warm starts of ``aireader`` with no folder; the newest title comes from ``list``."""
    log("\n== bundled library ==")
    with bench.tempdir("bundled-list") as tmp:
        listing = subprocess.run(
            [bench.python, "-m", "aireader", "list", "--json"],
            env=bench.env(cache=tmp, data=tmp),
            cwd=REPO,
            capture_output=True,
            text=True,
            timeout=bench.timeout,
            check=False,
        )
    records = [json.loads(line) for line in listing.stdout.splitlines() if line.startswith("{")]
    if not records:
        reason = (listing.stderr.strip().splitlines() or ["no output"])[-1]
        runs = StartRuns()
        runs.first_titles.errors.append(f"aireader list failed: {reason}")
        return runs, {"error": reason}
    info = {"articles": len(records), "newest_title": records[0]["title"]}
    subject = Subject("bundled", (), len(records), tuple(r["title"] for r in records))
    runs = start_runs(bench, subject, warm=True)
    return runs, info


OPEN_SETTLE = 1.5
"""Seconds the app is left alone once the library is in, before keys are pressed."""
OPEN_TIMEOUT = 10.0
"""Seconds the 1 MB article may take to show its first words."""


def open_once(
    bench: Bench, big: generate.GeneratedLibrary, position: int, *, cache: Path, data: Path
) -> float:
    """One start on the big library: ``j`` down to the 1 MB article, Enter, and the
    seconds from sending Enter to its first words on the terminal's screen."""
    argv = [bench.python, "-m", "aireader", str(big.root)]
    with PtySession(argv, env=bench.env(cache=cache, data=data), size=TERMINAL) as session:
        session.wait_for(lambda s: is_done(s.text_lines(), big.count), bench.timeout, "the list")
        session.settle(OPEN_SETTLE)
        for _ in range(position):
            session.send(b"j")
            session.settle(0.15)
        words = big.big_first_words or ""
        if session.screen.contains(words):
            raise SessionError("the article's first words show before it is opened")
        sent = time.perf_counter() - session.started
        session.send(b"\r")
        seen = session.wait_for(lambda s: s.contains(words), OPEN_TIMEOUT, "its first words")
        return seen.seconds - sent


def measure_big(bench: Bench, seed: int) -> Result:
    """Enter on a 1 MB article until its first words are on the screen, timed from
    outside in the pty as a user sees it; warm starts (one run fills the cache),
    each with a fresh data folder, so the article is unread every time."""
    log("\n== 1 MB article ==")
    big = generate.big_library(bench.workdir, seed)
    titles = json.loads(big.manifest_path.read_text(encoding="utf-8"))["titles_newest_first"]
    position = titles.index(big.big_title)
    samples = Samples()
    with bench.tempdir("big-cache") as cache:
        for run in range(bench.runs + 1):
            with bench.tempdir("big-data") as data:
                try:
                    seconds = open_once(bench, big, position, cache=cache, data=data)
                except SessionError as exc:
                    samples.errors.append(str(exc))
                    continue
            if run:  # the first run builds the cache, and is not counted
                samples.values.append(seconds)
    result: Result = {"library": str(big.root), "samples_s": samples.values}
    if samples.median is not None:
        result["visible_s"] = samples.median
    elif samples.errors:
        result["error"] = samples.errors[-1]
    size = next((p.stat().st_size for p in big.root.iterdir() if p.stat().st_size > 500_000), None)
    result["article_bytes"] = size
    log(f"1 MB article: {json.dumps(result)}")
    return result


def measure_reading_help(bench: Bench, seed: int) -> Result:
    """What deriving reading help costs per 1,000 articles, in this process (one core):
    the language of articles without one, and the candidate key terms of articles
    without tags (both while indexing), then their topics (once indexed); the
    extract is made when it is shown, so it is timed apart."""
    from collections import Counter

    from aireader.core.article import Article
    from aireader.core.keyterms import candidates, key_terms
    from aireader.core.language import detect
    from aireader.core.parse import parse_file
    from aireader.core.summary import extract

    log("\n== reading help (language, key terms, extract) ==")
    library = generate.synthetic_library(bench.workdir, 1_000, seed)
    articles = []
    for path in sorted(library.root.rglob("*.md"))[:1_000]:
        parsed = parse_file(path, library.root, keep_body=True)
        if isinstance(parsed, Article):
            articles.append(parsed)
    n = len(articles)

    def timed(work: Callable[[], object]) -> float:
        begin = time.process_time()
        work()
        return (time.process_time() - begin) * 1000 / n * 1_000  # ms per 1,000

    found: list[Any] = []
    result: Result = {"articles": n}
    result["language_ms_per_1k"] = timed(lambda: [detect(a.body) for a in articles])
    result["candidates_ms_per_1k"] = timed(
        lambda: found.extend(candidates(a.title, a.body) for a in articles)
    )
    docs = Counter(key for cands in found for key in {c.key for c in cands})
    result["topics_ms_per_1k"] = timed(lambda: [key_terms(c, docs, n) for c in found])
    result["extract_ms_per_1k"] = timed(lambda: [extract(a.title, a.body) for a in articles])
    result["while_indexing_ms_per_1k"] = (
        result["language_ms_per_1k"] + result["candidates_ms_per_1k"] + result["topics_ms_per_1k"]
    )
    log(
        "reading help, CPU ms per 1,000 articles: "
        + ", ".join(
            f"{k.removesuffix('_ms_per_1k')} {v:.0f}" for k, v in result.items() if k != "articles"
        )
    )
    return result


# -- the report ----------------------------------------------------------------------------


@dataclass
class Target:
    """One figure beside its goal."""

    name: str
    value: str
    base: str
    ratio: float | None
    target: str
    meets: bool | None
    note: str = ""

    def row(self) -> list[str]:
        verdict = {True: "yes", False: "NO", None: "-"}[self.meets]
        return [
            self.name,
            self.value,
            self.base,
            fmt_ratio(self.ratio) if self.ratio else "",
            self.target,
            verdict,
            self.note,
        ]

    def as_json(self) -> Result:
        return {
            "name": self.name,
            "value": self.value,
            "against": self.base,
            "ratio": self.ratio,
            "target": self.target,
            "meets": self.meets,
            "note": self.note,
        }


def _ratio(value: float | None, base: float | None) -> float | None:
    return value / base if value is not None and base else None


def _na(samples: Samples) -> str:
    return f"n/a: {samples.why_not()}"


def key_targets(keys: Result) -> list[Target]:
    """The keys' rows: the slowest first change of any key, and the slowest first
    lines of an article under 100 KB (over the steps of :mod:`benchmarks.keys`)."""
    from benchmarks.keys import FIRST_CHANGE_MS, FIRST_LINES_MS, slowest

    if not keys:
        return []
    (first, first_step), (lines, lines_step) = slowest(keys)
    rows = []
    for name, value, step, limit in (
        ("keys: slowest first change", first, first_step, FIRST_CHANGE_MS),
        ("article < 100 KB: first lines", lines, lines_step, FIRST_LINES_MS),
    ):
        rows.append(
            Target(
                name,
                fmt_ms(value),
                step,
                None,
                f"<= {limit:g} ms",
                None if value is None else value <= limit,
                "" if value is not None else "n/a: not measured",
            )
        )
    return rows


def targets(
    floor: Samples, bundled: StartRuns, sizes: list[SizeResult], big: Result
) -> list[Target]:
    rows: list[Target] = []
    f = floor.median
    largest = max(sizes, key=lambda s: s.n) if sizes else None
    star = (
        ""
        if largest is None or largest.n == TARGET_SIZE
        else f" (target is for {fmt_size(TARGET_SIZE)})"
    )

    def vs(
        name: str,
        value: float | None,
        against: float | None,
        base_text: str,
        limit: float,
        why: str,
    ) -> Target:
        ratio = _ratio(value, against)
        meets = None if ratio is None else ratio <= limit
        if value is None:
            note = why
        else:
            note = f"n/a: nothing to compare with ({base_text})" if ratio is None else ""
        return Target(name, fmt_seconds(value), base_text, ratio, f"<= {limit:g}x", meets, note)

    def start(name: str, runs: StartRuns, limit: float) -> Target:
        text = f"floor {fmt_seconds(f)}"
        target = vs(name, runs.first_titles.median, f, text, limit, _na(runs.first_titles))
        beside = _ratio(runs.first_titles.median, runs.floor.median)
        if beside is not None and not target.note:
            # The same start against only the floors started just before its own runs:
            # where the two verdicts differ, the machine's drift decided, not aireader.
            paired = fmt_seconds(runs.floor.median)
            target.note = f"{beside:.2f}x vs the floors beside it ({paired})"
        return target

    if largest is not None:
        rows.append(start(f"warm start, {fmt_size(largest.n)}{star}", largest.warm, 1.5))
    rows.append(start("warm start, bundled library", bundled, 1.2))
    for size in sizes:
        rows.append(start(f"cold first titles, {fmt_size(size.n)}", size.cold, 2.0))
    for size in sizes:
        d = size.cold.done
        scan = size.scan_s
        rows.append(
            vs(
                f"full index, {fmt_size(size.n)}",
                d.median,
                scan,
                f"scan floor {fmt_seconds(scan)}",
                1.0,
                _na(d),
            )
        )
    if largest is not None:
        for what, samples in (
            ("peak RSS (VmHWM)", largest.cold.peak_rss_mb),
            ("peak PSS with workers", largest.cold.peak_tree_mb),
        ):
            peak = samples.maximum
            rows.append(
                Target(
                    f"{what}, {fmt_size(largest.n)}{star}",
                    fmt_mb(peak),
                    "",
                    None,
                    "<= 300 MB",
                    None if peak is None else peak <= 300,
                    _na(samples) if peak is None else "",
                )
            )
    small = min(sizes, key=lambda s: s.n) if sizes else None
    if largest is not None and small is not None and largest is not small:
        for key, what in (
            ("per_press_ms", "j per press (Pilot)"),
            ("burst_per_press_ms", "j per key (burst)"),
        ):
            big_ms, small_ms = largest.keys.get(key), small.keys.get(key)
            ratio = _ratio(big_ms, small_ms)
            error = largest.keys.get("error") or small.keys.get("error") or "not measured"
            rows.append(
                Target(
                    f"{what}, {fmt_size(largest.n)} vs {fmt_size(small.n)}",
                    fmt_ms(big_ms),
                    f"{fmt_size(small.n)} {fmt_ms(small_ms)}",
                    ratio,
                    "no growth",
                    None if ratio is None else ratio <= NO_GROWTH,
                    "" if ratio is not None else f"n/a: {error}",
                )
            )
    if largest is not None and largest.search:
        p95 = largest.search.get("p95_ms")
        error = largest.search.get("error")
        rows.append(
            Target(
                f"search p95, {fmt_size(largest.n)}{star}",
                fmt_ms(p95),
                f"{largest.search.get('queries', '?')} queries",
                None,
                f"<= {SEARCH_TARGET_MS:g} ms",
                None if p95 is None else p95 <= SEARCH_TARGET_MS,
                f"n/a: {error}" if p95 is None else "",
            )
        )
    visible = big.get("visible_s")
    if "error" in big:
        shown, meets, note = "n/a", None, f"n/a: {big['error']}"
    elif visible is None:
        shown, meets, note = f"> {big.get('show_timeout_s', 10):g} s", False, "not shown in time"
    else:
        shown, meets, note = fmt_seconds(visible), visible <= 0.2, ""
    rows.append(Target("1 MB article, first lines", shown, "", None, "<= 0.2 s", meets, note))
    return rows


def figures_table(sizes: list[SizeResult]) -> str:
    def per_size(fn: Callable[[SizeResult], str]) -> list[str]:
        return [fn(s) for s in sizes]

    def sec(samples_of: Callable[[SizeResult], Samples]) -> Callable[[SizeResult], str]:
        return lambda s: fmt_seconds(samples_of(s).median) if samples_of(s).values else "n/a"

    def rate(s: SizeResult) -> str:
        full = s.cold.done.median
        return f"{s.n / full:,.0f}/s" if full else "n/a"

    def key(field_name: str, fmt: Callable[[float | None], str]) -> Callable[[SizeResult], str]:
        return lambda s: fmt(s.keys.get(field_name)) if "error" not in s.keys else "n/a"

    def found(field_name: str) -> Callable[[SizeResult], str]:
        return lambda s: fmt_ms(s.search.get(field_name))

    def search_load(s: SizeResult) -> str:
        load = s.search.get("load")
        return fmt_seconds(load["articles_s"] + load["search_init_s"]) if load else "n/a"

    rows = [
        ["articles", *per_size(lambda s: f"{s.n:,}")],
        ["scan floor (read + frontmatter.loads)", *per_size(lambda s: fmt_seconds(s.scan_s))],
        ["cold: first titles", *per_size(sec(lambda s: s.cold.first_titles))],
        ["cold: newest title on screen", *per_size(sec(lambda s: s.cold.newest_title))],
        ["cold: full index", *per_size(sec(lambda s: s.cold.done))],
        ["cold: index rate", *per_size(rate)],
        ["cold: peak RSS (VmHWM, max)", *per_size(lambda s: fmt_mb(s.cold.peak_rss_mb.maximum))],
        [
            "cold: peak PSS with workers (sampled)",
            *per_size(lambda s: fmt_mb(s.cold.peak_tree_mb.maximum)),
        ],
        ["warm: first titles", *per_size(sec(lambda s: s.warm.first_titles))],
        ["warm: newest title on screen", *per_size(sec(lambda s: s.warm.newest_title))],
        ["warm: full index", *per_size(sec(lambda s: s.warm.done))],
        ["j x100 via Pilot: total", *per_size(key("total_s", fmt_seconds))],
        ["j x100 via Pilot: per press", *per_size(key("per_press_ms", fmt_ms))],
        [
            "j x100 as one burst: per key (median of 5)",
            *per_size(key("burst_per_press_ms", fmt_ms)),
        ],
    ]
    if any(s.search for s in sizes):
        rows += [
            ["search: load (index.articles + Search)", *per_size(search_load)],
            ["search: p50 of the query mix", *per_size(found("p50_ms"))],
            ["search: p95 of the query mix", *per_size(found("p95_ms"))],
            ["search: slowest query", *per_size(found("max_ms"))],
        ]
    return table(rows, right=range(1, len(sizes) + 1))


def errors_of(sizes: list[SizeResult], bundled: StartRuns, floor: Samples) -> list[str]:
    lines = [f"floor: {e}" for e in dict.fromkeys(floor.errors)]
    errors = bundled.first_titles.errors + bundled.newest_title.errors + bundled.done.errors
    lines += [f"bundled: {e}" for e in dict.fromkeys(errors)]
    for s in sizes:
        for kind, runs in (("cold", s.cold), ("warm", s.warm)):
            errors = runs.first_titles.errors + runs.newest_title.errors + runs.done.errors
            for e in dict.fromkeys(errors):
                lines.append(f"{fmt_size(s.n)} {kind}: {e}")
        if "error" in s.keys:
            lines.append(f"{fmt_size(s.n)} j: {s.keys['error']}")
        if "error" in s.scan:
            lines.append(f"{fmt_size(s.n)} scan floor: {s.scan['error']}")
        if "error" in s.search:
            lines.append(f"{fmt_size(s.n)} search: {s.search['error']}")
        for e in s.search.get("errors", []):
            lines.append(f"{fmt_size(s.n)} search query: {e}")
    return lines


def versions() -> Result:
    def version(name: str) -> str | None:
        try:
            return metadata.version(name)
        except metadata.PackageNotFoundError:
            return None

    info: Result = {
        "python": platform.python_version(),
        "python_executable": sys.executable,
        "textual": version("textual"),
        "rich": version("rich"),
        "python-frontmatter": version("python-frontmatter"),
        "cpu_count": os.cpu_count(),
        "platform": platform.platform(),
    }
    probe = subprocess.run(
        [
            sys.executable,
            "-c",
            "import aireader; print(aireader.__version__); print(aireader.__file__)",
        ],
        env={**os.environ, "PYTHONPATH": str(SRC)},
        capture_output=True,
        text=True,
        check=False,
    )
    out = probe.stdout.split("\n")
    info["aireader"] = out[0] if probe.returncode == 0 else None
    info["aireader_path"] = out[1] if probe.returncode == 0 and len(out) > 1 else None
    commit = subprocess.run(
        ["git", "-C", str(REPO), "rev-parse", "--short", "HEAD"],
        capture_output=True,
        text=True,
        check=False,
    )
    dirty = subprocess.run(
        ["git", "-C", str(REPO), "status", "--porcelain", "--", "src"],
        capture_output=True,
        text=True,
        check=False,
    )
    info["git_commit"] = commit.stdout.strip() or None
    info["src_modified"] = bool(dirty.stdout.strip())
    return info


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.run",
        description="Time aireader's start-up, indexing, keys, long articles and search.",
    )
    parser.add_argument(
        "--sizes", help="library sizes, e.g. 1000,10000 or 1k,100k (default: 1k,10k,100k)"
    )
    parser.add_argument(
        "--runs", type=int, help="runs per start-up measure (default 5; 1 with --quick)"
    )
    parser.add_argument("--quick", action="store_true", help="1 run each, sizes 1k and 10k")
    parser.add_argument(
        "--no-search", action="store_true", help="skip the search latency benchmark"
    )
    parser.add_argument("--no-keys", action="store_true", help="skip the keys benchmark")
    parser.add_argument(
        "--workdir", type=Path, default=generate.DEFAULT_WORKDIR, help="default: %(default)s"
    )
    parser.add_argument(
        "--seed", type=int, default=generate.DEFAULT_SEED, help="default: %(default)s"
    )
    parser.add_argument(
        "--timeout",
        type=float,
        default=900.0,
        help="seconds to wait for a screen or a load (default: %(default)s)",
    )
    parser.add_argument(
        "--output",
        type=Path,
        default=RESULTS / "latest.json",
        help="JSON results (default: %(default)s)",
    )
    args = parser.parse_args(argv)
    try:
        sizes = generate.parse_sizes(
            args.sizes or ("1000,10000" if args.quick else "1000,10000,100000")
        )
    except ValueError as exc:
        parser.error(str(exc))
    runs = args.runs or (1 if args.quick else 5)
    bench = Bench(workdir=args.workdir.resolve(), runs=runs, timeout=args.timeout)
    started = dt.datetime.now(dt.UTC)
    info = versions()
    log(
        f"aireader {info['aireader']} from {info['aireader_path']}; Python {info['python']}, "
        f"Textual {info['textual']}, {info['cpu_count']} CPUs; {runs} run(s) per measure"
    )

    for stale in RESULTS.glob("failed-*.txt"):  # screens kept from an earlier run
        stale.unlink()
    # An install compiles aireader to bytecode, as Textual's own install was: do the
    # same, so start-up is not charged for compiling source the floor never compiles.
    subprocess.run([bench.python, "-m", "compileall", "-q", str(SRC)], check=False)
    floor = measure_floor(bench)
    bundled, bundled_info = measure_bundled(bench)
    results = [measure_size(bench, n, args.seed, search=not args.no_search) for n in sorted(sizes)]
    big = measure_big(bench, args.seed)
    help_cost = measure_reading_help(bench, args.seed)
    keys: Result = {}
    if not args.no_keys:
        from benchmarks import keys as keys_bench

        log("\n== keys ==")
        keys = keys_bench.measure(bench.workdir, bench.runs, [TERMINAL], python=bench.python)
    rows = targets(floor, bundled, results, big) + key_targets(keys)
    elapsed = (dt.datetime.now(dt.UTC) - started).total_seconds()

    header = (
        f"aireader benchmarks, {started:%Y-%m-%d %H:%M} UTC: {info['cpu_count']} CPUs, "
        f"Python {info['python']}, Textual {info['textual']}, aireader {info['aireader']} "
        f"({info['git_commit']}{', src modified' if info['src_modified'] else ''}); "
        f"medians of {runs} run(s); terminal {TERMINAL[0]}x{TERMINAL[1]}"
    )
    singles = table(
        [
            ["start-up", "median", "vs floor"],
            [
                f"floor: bare Textual app to {FLOOR_WORD!r} ({len(floor.values)} starts)",
                fmt_seconds(floor.median),
                "",
            ],
            [
                f"bundled library, warm ({bundled_info.get('articles', '?')} articles)",
                fmt_seconds(bundled.first_titles.median),
                fmt_ratio(_ratio(bundled.first_titles.median, floor.median)),
            ],
        ],
        right=(1, 2),
    )
    target_rows = [["measure", "value", "against", "ratio", "target", "meets", "note"]]
    target_rows += [t.row() for t in rows]
    problems = errors_of(results, bundled, floor)
    print()
    print(header)
    print()
    print(singles)
    print()
    print(figures_table(results))
    print()
    print(table(target_rows, right=(1, 3)))
    if keys:
        from benchmarks.keys import report as keys_report

        print()
        print(keys_report(keys).rstrip())
    print(
        "\nreading help, added indexing cost (one core, untagged articles without a language): "
        f"{help_cost['while_indexing_ms_per_1k']:.0f} ms per 1,000 articles (language "
        f"{help_cost['language_ms_per_1k']:.0f}, key-term candidates "
        f"{help_cost['candidates_ms_per_1k']:.0f}, topics {help_cost['topics_ms_per_1k']:.0f}); "
        f"an extract when shown: {help_cost['extract_ms_per_1k'] / 1000:.1f} ms per article"
    )
    if problems:
        print("\nn/a and errors:")
        for line in problems:
            print(f"  {line}")

    report = {
        "date": started.isoformat(timespec="seconds"),
        "elapsed_s": round(elapsed, 1),
        "cpu_count": info["cpu_count"],
        "python": info["python"],
        "textual": info["textual"],
        "environment": info,
        "settings": {
            "sizes": sizes,
            "runs": runs,
            "floor_runs": FLOOR_RUNS,
            "seed": args.seed,
            "workdir": str(bench.workdir),
            "terminal": list(TERMINAL),
            "timeout_s": args.timeout,
            "search": not args.no_search,
        },
        "floor_s": floor.as_json(),
        "bundled": {**bundled_info, **bundled.as_json()},
        "sizes": {str(s.n): s.as_json() for s in results},
        "big_article": big,
        "keys": keys,
        "reading_help": help_cost,
        "targets": [t.as_json() for t in rows],
        "errors": problems,
    }
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    print(f"\nJSON: {args.output}  (took {elapsed / 60:.1f} min)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
