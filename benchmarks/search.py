"""Search latency on a generated library, with aireader's own index and query code.

From the repository root, with the project's Python (``src`` first on ``PYTHONPATH``)::

    python -m benchmarks.search                        # 100k articles, 200 queries
    python -m benchmarks.search --sizes 10k,100k --queries 400
    python -m benchmarks.search --cold                 # rebuild the index first

What it does, per library size:

* **index**: ``Index.open(root, cache)`` then ``sync()`` in a private cache folder
  under the work dir (``search-cache/n{N}-s{SEED}``), kept between runs and
  emptied when the library is made again (or with ``--cold``). A sync that
  parsed every file is the cold index build; otherwise it only stats the files.
* **load**: what the app does once per library load before it can search:
  ``index.articles(ids=ids)`` (every article, newest first, and its index id),
  ``index.reader()``, and ``Search(reader, articles, ids, states={})``. Every
  article counts as unread.
* **queries**: a fixed mix (:data:`MIX`) drawn with ``random.Random`` from the
  library itself: words read from a sample of its files, by their rank in the
  generator's Zipf vocabulary (common: ranks 1-100, middle: 1,000-5,000,
  rare: 15,000-30,000), two and three words, exact phrases cut from article
  text, prefixes (``abc*``), ``a OR b``, exclusions, ``tag:`` (tags of sampled
  articles), ``after:``/``before:``, ``is:unread``, ``title:``, ``in:`` (the
  generator's subfolders), and fields with words.
* **latency**: ``parse(text)`` and ``search.run(query)`` timed together with
  ``time.perf_counter``, one query at a time, after one warm-up pass over the
  whole mix (whose figures are kept as the "first pass").

It prints p50, p95 and max over the mix, p95 and median hits per kind, the
slowest queries, and the target (p95 <= 30 ms) beside the figure; nothing is
asserted. The results go to ``benchmarks/results/search.json``.
"""

from __future__ import annotations

import argparse
import json
import math
import random
import re
import shutil
import statistics
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from benchmarks import generate
from benchmarks.run import Result, fmt_ms, fmt_seconds, log, table

REPO = Path(__file__).resolve().parents[1]
RESULTS = REPO / "benchmarks" / "results"
DEFAULT_SIZES = "100k"
DEFAULT_QUERIES = 200
TARGET_P95_MS = 30.0
"""The target for the p95 latency of a query over the mix: about one frame at 30 Hz."""
SAMPLE_ARTICLES = 400
"""Files read to draw words, phrases, tags and folders from."""

BANDS = {"common": (1, 100), "middle": (1_000, 5_000), "rare": (15_000, 30_000)}
"""Word frequency bands, as ranks (inclusive) in the generator's Zipf vocabulary."""

MIX: tuple[tuple[str, int], ...] = (
    ("word, common", 14),
    ("word, middle", 14),
    ("word, rare", 14),
    ("2 words", 16),
    ("3 words", 14),
    ("phrase", 16),
    ("prefix", 16),
    ("a OR b", 12),
    ("exclusion", 12),
    ("tag:", 10),
    ("after:/before:", 10),
    ("is:unread", 4),
    ("title:", 10),
    ("in:", 8),
    ("fields + words", 30),
)
"""Query kinds and how many of each in a mix of 200 (scaled for other sizes)."""


def percentile(values: Sequence[float], q: float) -> float | None:
    """Nearest-rank percentile (``q`` in 0-100): a value that was measured."""
    if not values:
        return None
    ordered = sorted(values)
    return ordered[max(0, math.ceil(q / 100 * len(ordered)) - 1)]


def counts_for(total: int) -> list[tuple[str, int]]:
    """:data:`MIX` scaled to ``total`` queries (largest remainders; every kind at least 1)."""
    base = sum(n for _, n in MIX)
    exact = [(kind, n * total / base) for kind, n in MIX]
    counts = {kind: max(1, int(x)) for kind, x in exact}
    by_remainder = sorted(exact, key=lambda kx: -(kx[1] - int(kx[1])))
    i = 0
    while sum(counts.values()) < total:
        counts[by_remainder[i % len(by_remainder)][0]] += 1
        i += 1
    return [(kind, counts[kind]) for kind, _ in MIX]


# -- the query mix ----------------------------------------------------------------------

_PLAIN = re.compile(r"[A-Za-z]+")
_BLOCK_START = ("#", "-", "*", ">", "1.")


@dataclass
class Material:
    """What queries are made of, read from a sample of the library's articles."""

    bands: dict[str, list[str]]
    """Words seen in the sample, per frequency band, sorted (for determinism)."""
    sentences: list[list[str]]
    """Sentences of body paragraphs, as words (markup-free runs only)."""
    title_words: list[str]
    tags: list[str]
    """One entry per (sampled article, tag): popular tags come up more often."""
    folders: list[str]


def gather(articles: Sequence[Any], rng: random.Random, seed: int) -> Material:
    """Read :data:`SAMPLE_ARTICLES` files and sort their words into bands."""
    rank = generate.vocabulary(seed).rank()
    picked = rng.sample(range(len(articles)), min(SAMPLE_ARTICLES, len(articles)))
    seen: set[str] = set()
    sentences: list[list[str]] = []
    title_words: list[str] = []
    tags: list[str] = []
    folders: set[str] = set()
    for position in picked:
        article = articles[position]
        text = Path(article.location).read_text(encoding="utf-8")
        body = text.split("\n---\n", 1)[-1]
        for line in body.splitlines():
            if not line or line.startswith(_BLOCK_START):
                continue
            for sentence in re.split(r"[.?!]\s", line):
                words = sentence.split()
                if len(words) >= 3:
                    sentences.append(words)
            seen.update(w.lower() for w in _PLAIN.findall(line))
        title_words += [w.lower() for w in _PLAIN.findall(article.title) if w.lower() in rank]
        tags += list(article.tags)
        if "/" in article.relpath:
            folders.add(article.relpath.rsplit("/", 1)[0])
    bands = {
        name: sorted(w for w in seen if lo <= rank.get(w, 0) <= hi)
        for name, (lo, hi) in BANDS.items()
    }
    return Material(bands, sentences, title_words, tags, sorted(folders))


class Mixer:
    """Draws the queries of each kind from :class:`Material` with one seeded RNG."""

    def __init__(self, material: Material, rng: random.Random) -> None:
        self.m = material
        self.rng = rng

    def word(self, band: str | None = None) -> str:
        if band is None:  # what a person types: mostly middling words
            band = self.rng.choices(("common", "middle", "rare"), (3, 5, 2))[0]
        words = self.m.bands[band] or self.m.bands["common"]
        return self.rng.choice(words)

    def words(self, k: int) -> str:
        out: list[str] = []
        while len(out) < k:
            word = self.word()
            if word not in out:
                out.append(word)
        return " ".join(out)

    def phrase(self) -> str:
        for _ in range(1000):
            words = self.rng.choice(self.m.sentences)
            width = self.rng.choice((2, 3, 3))
            start = self.rng.randrange(len(words) - width + 1)
            run = words[start : start + width]
            if all(_PLAIN.fullmatch(w) for w in run):
                return '"' + " ".join(w.lower() for w in run) + '"'
        return f'"{self.word()}"'

    def prefix(self) -> str:
        while True:
            word = self.word(self.rng.choice(("common", "middle", "middle", "rare")))
            if len(word) >= 5:
                return word[: self.rng.choice((3, 4))] + "*"

    def month(self) -> str:
        first = generate.START.year
        return f"{self.rng.randrange(first, first + 3)}-{self.rng.randint(1, 12):02d}"

    def dates(self) -> str:
        style = self.rng.randrange(3)
        if style == 0:
            return f"after:{self.month()}"
        if style == 1:
            return f"before:{self.month()}"
        a, b = sorted((self.month(), self.month()))
        return f"after:{a} before:{b}" if a != b else f"after:{a}"

    def tag(self) -> str:
        return f"tag:{self.rng.choice(self.m.tags)}"

    def title(self) -> str:
        return f"title:{self.rng.choice(self.m.title_words)}"

    def folder(self) -> str:
        return f"in:{self.rng.choice(self.m.folders)}" if self.m.folders else "in:nowhere"

    def make(self, kind: str, i: int) -> str:
        """The ``i``-th query of a kind (``i`` varies the shape where a kind has several)."""
        if kind.startswith("word, "):
            return self.word(kind.removeprefix("word, "))
        if kind == "2 words":
            return self.words(2)
        if kind == "3 words":
            return self.words(3)
        if kind == "phrase":
            return self.phrase()
        if kind == "prefix":
            return self.prefix()
        if kind == "a OR b":
            return f"{self.word()} OR {self.word()}"
        if kind == "exclusion":
            if i % 4 == 3:  # now and then, only what to leave out
                return f"-{self.word('common')}"
            return f"{self.word()} -{self.word()}"
        if kind == "tag:":
            return self.tag()
        if kind == "after:/before:":
            return self.dates()
        if kind == "is:unread":
            return "is:unread" if i % 2 == 0 else f"is:unread {self.word()}"
        if kind == "title:":
            return self.title()
        if kind == "in:":
            return self.folder()
        combos: list[Callable[[], str]] = [
            lambda: f"{self.tag()} {self.word()}",
            lambda: f"{self.word()} {self.dates()}",
            lambda: f"{self.title()} {self.word()}",
            lambda: f"{self.folder()} {self.word()}",
            lambda: f"is:unread {self.word()} -{self.word()}",
            lambda: f"{self.tag()} -{self.word()}",
            lambda: f"{self.words(2)} {self.dates()}",
            lambda: f"({self.word()} OR {self.word()}) {self.tag()}",
            lambda: f"{self.phrase()} {self.dates()}",
            lambda: f"{self.prefix()} {self.tag()}",
        ]
        return combos[i % len(combos)]()


def make_mix(material: Material, rng: random.Random, total: int) -> list[tuple[str, str]]:
    """``(kind, query)`` pairs, kinds interleaved in a fixed shuffled order."""
    mixer = Mixer(material, rng)
    queries = [
        (kind, mixer.make(kind, i)) for kind, count in counts_for(total) for i in range(count)
    ]
    rng.shuffle(queries)
    return queries


# -- measuring -------------------------------------------------------------------------------


def _cache_for(workdir: Path, library: generate.GeneratedLibrary, *, cold: bool) -> Path:
    """A cache folder of this benchmark's own, emptied when the library was made again.

    (A changed file gets a new index id and leaves its old full-text row behind: an
    index synced over a remade library would search twice the rows it should.)
    """
    cache = workdir / "search-cache" / f"n{library.count}-s{library.seed}"
    marker = (library.root.parent / "marker.json").read_text(encoding="utf-8")
    mine = cache / "library-marker.json"
    if cold or not mine.is_file() or mine.read_text(encoding="utf-8") != marker:
        shutil.rmtree(cache, ignore_errors=True)
        cache.mkdir(parents=True)
        mine.write_text(marker, encoding="utf-8")
    return cache


def measure(
    workdir: Path, n: int, seed: int, total: int = DEFAULT_QUERIES, *, cold: bool = False
) -> Result:
    """Build or reuse the index of the ``n``-article library, load it, time the mix."""
    from aireader.core.index import Index
    from aireader.core.query import QueryError, parse
    from aireader.core.search import Search

    out: Result = {"articles": n, "seed": seed, "queries": total}
    started = time.perf_counter()
    library = generate.synthetic_library(workdir, n, seed)
    out["library"] = str(library.root)
    out["library_ready_s"] = time.perf_counter() - started
    log(f"library ready in {out['library_ready_s']:.1f} s: {library.root}")

    cache = _cache_for(workdir, library, cold=cold)
    started = time.perf_counter()
    index = Index.open(library.root, cache)
    out["index_open_s"] = time.perf_counter() - started
    last_log = [time.perf_counter()]

    def progress(done: int, of: int) -> None:
        if time.perf_counter() - last_log[0] >= 10:
            last_log[0] = time.perf_counter()
            log(f"  indexing: {done:,} of {of:,} files parsed")

    started = time.perf_counter()
    synced = index.sync(on_progress=progress)
    sync_s = time.perf_counter() - started
    built = synced.added + synced.changed
    out["index"] = {
        "path": str(index.path),
        "engine": "fts5" if index.fts else "plain scan",
        "cache": str(cache),
        "sync_s": sync_s,
        "cold": synced.unchanged == 0 and built > 0,
        "parsed": built,
        "unchanged": synced.unchanged,
        "removed": synced.removed,
        "files_per_s": built / sync_s if built and sync_s else None,
        "size_mb": _size_mb(index.path),
    }
    kind = "cold build" if out["index"]["cold"] else f"sync ({synced.unchanged:,} unchanged)"
    engine = out["index"]["engine"]
    log(f"index {kind}: {fmt_seconds(sync_s)}, {built:,} files parsed, engine {engine}")

    started = time.perf_counter()
    ids: list[int] = []
    articles = index.articles(ids=ids)
    articles_s = time.perf_counter() - started
    started = time.perf_counter()
    reader = index.reader()
    reader_s = time.perf_counter() - started
    started = time.perf_counter()
    search = Search(reader, articles, ids, states={})
    search_s = time.perf_counter() - started
    out["load"] = {"articles_s": articles_s, "reader_s": reader_s, "search_init_s": search_s}
    out["indexed_articles"] = len(articles)

    rng = random.Random(f"search-mix-{seed}")
    material = gather(articles, rng, seed)
    mix = make_mix(material, rng, total)
    out["mix"] = dict(counts_for(total))
    out["band_words"] = {band: len(words) for band, words in material.bands.items()}

    def timed(text: str) -> tuple[float, int | None, str | None]:
        begin = time.perf_counter()
        try:
            hits = search.run(parse(text))
        except QueryError as exc:
            return (time.perf_counter() - begin) * 1000, None, str(exc)
        return (time.perf_counter() - begin) * 1000, len(hits), None

    first = [timed(text) for _, text in mix]  # the warm-up pass: caches, lazy tables
    second = [timed(text) for _, text in mix]
    reader.close()
    index.close()

    rows = []
    for (kind, text), (first_ms, _, _), (ms, hits, error) in zip(mix, first, second, strict=True):
        row: Result = {"kind": kind, "query": text, "ms": ms, "first_ms": first_ms, "hits": hits}
        if error:
            row["error"] = error
        rows.append(row)
    out["results"] = rows
    out.update(summarize(rows))
    return out


def _size_mb(path: Path | None) -> float | None:
    if path is None:
        return None
    total = 0
    for extra in ("", "-wal", "-shm"):
        candidate = path.with_name(path.name + extra)
        if candidate.is_file():
            total += candidate.stat().st_size
    return total / 1e6


def summarize(rows: list[Result]) -> Result:
    times = [r["ms"] for r in rows]
    per_kind: Result = {}
    for kind, _ in MIX:
        mine = [r for r in rows if r["kind"] == kind]
        if not mine:
            continue
        ms = [r["ms"] for r in mine]
        hits = [r["hits"] for r in mine if r["hits"] is not None]
        per_kind[kind] = {
            "n": len(mine),
            "p50_ms": statistics.median(ms),
            "p95_ms": percentile(ms, 95),
            "max_ms": max(ms),
            "median_hits": statistics.median(hits) if hits else None,
        }
    slowest = sorted(rows, key=lambda r: -r["ms"])[:5]
    firsts = [r["first_ms"] for r in rows]
    p95 = percentile(times, 95)
    return {
        "p50_ms": statistics.median(times) if times else None,
        "p95_ms": p95,
        "max_ms": max(times) if times else None,
        "mean_ms": statistics.fmean(times) if times else None,
        "first_pass": {
            "p50_ms": statistics.median(firsts) if firsts else None,
            "p95_ms": percentile(firsts, 95),
            "max_ms": max(firsts) if firsts else None,
            "slowest": max(rows, key=lambda r: r["first_ms"])["query"] if rows else None,
        },
        "per_kind": per_kind,
        "slowest": [{k: r[k] for k in ("kind", "query", "ms", "hits")} for r in slowest],
        "errors": [f"{r['query']}: {r['error']}" for r in rows if "error" in r],
        "target": {
            "p95_ms": TARGET_P95_MS,
            "meets": None if p95 is None else p95 <= TARGET_P95_MS,
        },
    }


# -- the report ----------------------------------------------------------------------------


def report(result: Result) -> str:
    """The printed figures of one size."""

    n = result["articles"]
    index, load = result["index"], result["load"]
    lines = [f"search, {n:,} articles ({result['indexed_articles']:,} indexed, {index['engine']})"]
    if index["cold"]:
        rate = index["files_per_s"]
        lines.append(
            f"  index: cold build, Index.sync() {fmt_seconds(index['sync_s'])} "
            f"({index['parsed']:,} files, {rate:,.0f}/s), {index['size_mb']:.0f} MB"
        )
    else:
        lines.append(
            f"  index: reused, Index.sync() {fmt_seconds(index['sync_s'])} "
            f"({index['unchanged']:,} unchanged, {index['parsed']:,} parsed), "
            f"{index['size_mb']:.0f} MB"
        )
    lines.append(
        f"  load, once per library: index.articles(ids=...) {fmt_seconds(load['articles_s'])}, "
        f"index.reader() {fmt_seconds(load['reader_s'])}, Search(...) "
        f"{fmt_seconds(load['search_init_s'])}"
    )
    mix = ", ".join(f"{kind} {count}" for kind, count in result["mix"].items())
    lines.append(f"  mix of {result['queries']} queries: {mix}")
    bands = ", ".join(
        f"{band} (ranks {BANDS[band][0]:,}-{BANDS[band][1]:,}): {count:,} words"
        for band, count in result["band_words"].items()
    )
    lines.append(f"  words seen in {SAMPLE_ARTICLES} sampled files, by band: {bands}")
    first = result["first_pass"]
    lines.append(
        f"  first pass (warm-up, not counted): p50 {fmt_ms(first['p50_ms'])}, "
        f"p95 {fmt_ms(first['p95_ms'])}, max {fmt_ms(first['max_ms'])} ({first['slowest']})"
    )
    lines.append("")
    rows = [["kind", "n", "p50", "p95", "max", "median hits"]]
    for kind, k in result["per_kind"].items():
        hits = k["median_hits"]
        rows.append(
            [
                kind,
                str(k["n"]),
                fmt_ms(k["p50_ms"]),
                fmt_ms(k["p95_ms"]),
                fmt_ms(k["max_ms"]),
                "n/a" if hits is None else f"{hits:,.0f}",
            ]
        )
    all_hits = [r["hits"] for r in result["results"] if r["hits"] is not None]
    rows.append(
        [
            "all",
            str(len(result["results"])),
            fmt_ms(result["p50_ms"]),
            fmt_ms(result["p95_ms"]),
            fmt_ms(result["max_ms"]),
            f"{statistics.median(all_hits):,.0f}" if all_hits else "n/a",
        ]
    )
    lines.append(table(rows, right=(1, 2, 3, 4, 5)))
    lines.append("")
    meets = result["target"]["meets"]
    lines.append(
        table(
            [
                ["measure", "value", "target", "meets"],
                [
                    f"search p95, {n:,} articles",
                    fmt_ms(result["p95_ms"]),
                    f"p95 <= {TARGET_P95_MS:g} ms",
                    {True: "yes", False: "NO", None: "-"}[meets],
                ],
            ],
            right=(1,),
        )
    )
    lines.append("")
    lines.append("slowest queries:")
    for row in result["slowest"]:
        hits = "error" if row["hits"] is None else f"{row['hits']:,} hits"
        lines.append(f"  {fmt_ms(row['ms']):>9}  {hits:>13}  [{row['kind']}]  {row['query']}")
    if result["errors"]:
        lines.append("errors:")
        lines += [f"  {e}" for e in result["errors"]]
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.search", description=__doc__.split("\n")[0]
    )
    parser.add_argument(
        "--sizes", default=DEFAULT_SIZES, help="library sizes, e.g. 10k,100k (default: %(default)s)"
    )
    parser.add_argument(
        "--queries", type=int, default=DEFAULT_QUERIES, help="queries in the mix (default: 200)"
    )
    parser.add_argument(
        "--workdir", type=Path, default=generate.DEFAULT_WORKDIR, help="default: %(default)s"
    )
    parser.add_argument(
        "--seed", type=int, default=generate.DEFAULT_SEED, help="default: %(default)s"
    )
    parser.add_argument(
        "--cold", action="store_true", help="empty this benchmark's index cache first"
    )
    parser.add_argument(
        "--output",
        type=Path,
        default=RESULTS / "search.json",
        help="JSON results (default: %(default)s)",
    )
    args = parser.parse_args(argv)
    try:
        sizes = generate.parse_sizes(args.sizes)
    except ValueError as exc:
        parser.error(str(exc))
    if args.queries < len(MIX):
        parser.error(f"--queries must be at least {len(MIX)} (one of each kind)")
    workdir = args.workdir.resolve()
    results = {}
    for n in sorted(sizes):
        log(f"\n== search, {n:,} articles ==")
        results[str(n)] = result = measure(workdir, n, args.seed, args.queries, cold=args.cold)
        print()
        print(report(result))
    payload = {
        "settings": {
            "sizes": sizes,
            "queries": args.queries,
            "seed": args.seed,
            "workdir": str(workdir),
            "cold": args.cold,
            "target_p95_ms": TARGET_P95_MS,
        },
        "sizes": results,
    }
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(payload, indent=2) + "\n", encoding="utf-8")
    print(f"\nJSON: {args.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
