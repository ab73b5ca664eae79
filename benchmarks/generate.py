"""Deterministic synthetic libraries of Markdown articles, for the benchmarks.

``synthetic_library(workdir, n, seed)`` writes ``n`` articles under
``WORKDIR/synthetic-n{n}-s{seed}/articles``, 100 to a subfolder. Each has YAML
front matter (a title, a date spread over about three years in several styles,
some with a ``+HH:MM`` offset, one to five tags drawn Zipf-like from a pool of
200, an author from a pool) and a 2-8 KB Markdown body of paragraphs, headings,
lists and links. Everything comes from ``random.Random(seed)``, so the same ``n``
and seed give the same bytes.

Titles and text are drawn Zipf-like (weight 1/rank) from a vocabulary of 30,000
words (:func:`vocabulary`): about 550 real words take the first ranks, made-up
words of two to four syllables the long tail. So, as in real text, a few words
are in nearly every article, a word of rank 1,000 in about 3% of them and one of
rank 20,000 in about 0.2%, which is what makes search figures mean something.

``big_library(workdir, seed)`` writes a small library of a few normal articles
and one 1 MB article, for timing how long a long article takes to show.

Beside ``articles/`` each library has ``manifest.json`` (titles newest first, as
aireader sorts them, and what to look for on screen) and ``marker.json``, written
last: an existing library whose marker names the same generator version, size
and seed is reused as it is; any other is made again.

Fast by construction: paragraphs come from a pool made once, so each article is
a few choices and one write (100k articles in about 17 s on one core, most of it
writing files).

Command line: ``python -m benchmarks.generate --sizes 1000,10000 [--workdir DIR]``.
"""

from __future__ import annotations

import argparse
import functools
import itertools
import json
import os
import random
import shutil
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

GENERATOR_VERSION = 2
"""Part of every library's marker: bump it when the bytes made change (2: Zipf words)."""
DEFAULT_WORKDIR = Path("/tmp/aireader-bench")
DEFAULT_SEED = 20240420
PER_FOLDER = 100
TAG_POOL = 200
AUTHOR_POOL = 60
PARAGRAPH_POOL = 30_000
HEADING_POOL = 8_000
ITEM_POOL = 15_000
"""Blocks an article's body is assembled from. A paragraph is then in a few dozen
articles of 100k, not hundreds: a phrase cut from one article is in few others."""
BIG_ARTICLE_BYTES = 1 << 20
BIG_LIBRARY_NORMAL = 6

START = datetime(2022, 1, 1, tzinfo=UTC)
SPAN_SECONDS = int(timedelta(days=3 * 365).total_seconds())
NEWEST = START + timedelta(seconds=SPAN_SECONDS, days=3)
"""The newest article is dated days after every other, whatever the offsets, so it
is first in the list without doubt; its title is what the benchmark waits for."""

OFFSETS = ("-08:00", "-05:00", "-03:00", "+00:00", "+01:00", "+02:00", "+05:30", "+09:00")

# A plain vocabulary: the most frequent words of the generated text (see
# :func:`vocabulary`). "loading", "indexing", "ready" and "articles" are left out on
# purpose, since the benchmark looks for those words on the screen; the made-up
# words of the long tail never contain them either.
_VOCABULARY = """
able access account across action active actual advance agency agent agree ahead
airline album allow almost alone along amount analyst angle animal annual answer
anyone appear apply approach april archive area argue around arrive artist aspect
assume attack attempt audience august author autumn average avoid award balance
bank barrier basic battle beach become before begin behind belief benefit beyond
billion binary bird board boat body border bottle bounce branch brave bridge brief
bright broad budget build burden button cable camera campaign canal capital carbon
career carry castle cause center chain chance change chapter charge chart choice
circle citizen claim class clean clear climate clock cloud coast code coffee cold
collect colour column comfort common company compare complex concept concern
conduct connect consider contain context control copper corner cotton council
county course court cover craft credit crisis critic crowd culture current custom
cycle damage danger data debate decade decide deep defence degree delay demand
depth design detail develop device differ digital dinner direct distance divide
doctor domain double draft dream drive early earth east economy edge editor effect
effort eight either elect element energy engine enough entire equal error escape
estate event evidence exact example exist expand expert export extend fabric face
factor fair faith family famous farm fashion father feature field figure final
finance finger first fiscal flight floor flow focus follow force forest formal
forward frame free fresh friend front fruit future galaxy garden gather general
gentle giant glass global goal golden govern grain grand graph green ground group
growth guard guest guide habit harbour harvest health heart heavy height highway
history holiday horizon hospital house human hundred idea image impact import
income index industry inform inside island issue item journey judge junior just
keen kernel kitchen label labour ladder language large later launch layer leader
league learn legal lesson letter level library light limit linear liquid listen
little local logic long lower lunar machine magnet major manage manner margin
market master matter meadow measure media medium member memory mental method
middle million mineral minute mirror mobile model modern moment money month
motion mountain museum music narrow nation native nature network neutral night
noble normal north notice novel number object ocean offer office online open
option orange orbit order origin outcome output owner oxygen package page paint
panel paper parent partner passage pattern peace people period person phase
picture pilot planet plastic platform pocket poetry policy popular portion
position powder power practice present press price prime private problem process
product profit program project proper public purpose quality quarter question
quiet radio random range rapid rate reason record reduce region release remote
report rescue research result return review rhythm river robot rocket route
rural safety salt sample scale scene school science screen season second sector
secure select series server service settle shadow shape share shelter shift
signal silver simple single sister skill social software solar solid source space
speech spirit spring square stable stage standard station steady steel stone
storm story stream street strong studio style subject summer supply surface system
table talent target teacher team theory thread timber title topic tower trade
travel treaty trend tribe trust tunnel twelve union unique urban useful valley
value vector venue vessel video view village vision visual voice volume voyage
wage water wealth weather weekly western wheel window winter wisdom wonder worker
world writer yellow young zone
"""
WORDS = _VOCABULARY.split()
"""The real words: the head of every library's vocabulary, and the words tags are made of."""
VOCABULARY_SIZE = 30_000
EXCLUDED = ("loading", "indexing", "ready", "articles")
"""Never in generated text, not even inside a made-up word (see :mod:`benchmarks.readiness`)."""

_ONSETS = (
    *("b", "c", "d", "f", "g", "h", "j", "k", "l", "m", "n", "p", "r", "s", "t", "v", "w"),
    *("z", "br", "ch", "cl", "dr", "fl", "gr", "kr", "pl", "pr", "sh", "sk", "sl", "st"),
    *("th", "tr", "", ""),
)
_VOWELS = ("a", "e", "i", "o", "u", "a", "e", "i", "o", "ai", "ea", "ie", "oo", "ou")
_CODAS = ("n", "r", "s", "l", "m", "t", "nd", "st", "x", *[""] * 8)


@dataclass(frozen=True)
class Vocabulary:
    """Every word of a library's text, most frequent first, with Zipf weights.

    ``words[r - 1]`` has rank ``r`` and is drawn with weight ``1 / r``: the real
    words of :data:`WORDS` (shuffled) take the first ranks, made-up words the long
    tail. ``cum_weights`` is for ``rng.choices(words, cum_weights=...)``.
    """

    words: tuple[str, ...]
    cum_weights: tuple[float, ...]

    def rank(self) -> dict[str, int]:
        """Word -> rank (1 is the most frequent)."""
        return {word: r for r, word in enumerate(self.words, 1)}


@functools.cache
def vocabulary(seed: int = DEFAULT_SEED, size: int = VOCABULARY_SIZE) -> Vocabulary:
    """The vocabulary of the libraries made from ``seed``: the same for every size.

    It has its own random stream (from the seed), so a benchmark can rebuild it
    without making a library.
    """
    rng = random.Random(f"vocabulary-{seed}")
    words = list(WORDS)
    rng.shuffle(words)
    seen = set(words)
    while len(words) < size:
        syllables = rng.choice((2, 2, 2, 3, 3, 4))
        word = "".join(
            rng.choice(_ONSETS) + rng.choice(_VOWELS) + rng.choice(_CODAS) for _ in range(syllables)
        )
        if len(word) < 4 or word in seen or any(bad in word for bad in EXCLUDED):
            continue
        seen.add(word)
        words.append(word)
    cum = tuple(itertools.accumulate(1.0 / rank for rank in range(1, size + 1)))
    return Vocabulary(tuple(words), cum)


_FIRST = "Ada Ben Chloe Dara Emil Farah Gus Hana Ivo Jun Kira Leo Mina Nils Omar Pia"
_LAST = "Abe Berg Costa Diaz Eriksen Fofana Gupta Haas Ito Jansen Kowal Lund Mbeki"
FIRST_NAMES, LAST_NAMES = _FIRST.split(), _LAST.split()


def _title_case(words: Sequence[str]) -> str:
    return " ".join(w.capitalize() if i == 0 else w for i, w in enumerate(words))


def _draw(rng: random.Random, vocab: Vocabulary, k: int) -> list[str]:
    """``k`` words, Zipf-distributed."""
    return rng.choices(vocab.words, cum_weights=vocab.cum_weights, k=k)


@dataclass
class _Pools:
    """Text made once per library, from which every article is assembled."""

    paragraphs: list[str]
    headings: list[str]
    items: list[str]
    tags: list[str]
    tag_cum_weights: list[float]
    authors: list[str]


def _make_pools(rng: random.Random, vocab: Vocabulary) -> _Pools:
    def sentence(lo: int, hi: int) -> str:
        words = _draw(rng, vocab, rng.randint(lo, hi))
        if rng.random() < 0.3:  # an inline link, an emphasis or some code
            i = rng.randrange(len(words))
            kind = rng.random()
            if kind < 0.4:
                words[i] = (
                    f"[{words[i]}](https://example.org/{rng.choice(WORDS)}/{rng.randrange(10**6)})"
                )
            elif kind < 0.8:
                words[i] = f"*{words[i]}*"
            else:
                words[i] = f"`{words[i]}()`"
        return _title_case(words) + rng.choice(".....?!")

    paragraphs = [
        " ".join(sentence(6, 22) for _ in range(rng.randint(2, 7))) for _ in range(PARAGRAPH_POOL)
    ]
    headings = [_title_case(_draw(rng, vocab, rng.randint(2, 6))) for _ in range(HEADING_POOL)]
    items = [sentence(3, 12) for _ in range(ITEM_POOL)]
    tags: list[str] = []
    seen: set[str] = set()
    while len(tags) < TAG_POOL:
        tag = "-".join(rng.choices(WORDS, k=rng.choice((1, 1, 2))))  # tags: real words
        if tag not in seen:
            seen.add(tag)
            tags.append(tag)
    cum, total = [], 0.0
    for rank in range(1, TAG_POOL + 1):
        total += 1.0 / rank**1.1  # Zipf-like: a few tags everywhere, a long tail
        cum.append(total)
    authors = [f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}" for _ in range(AUTHOR_POOL)]
    return _Pools(paragraphs, headings, items, tags, cum, authors)


def _format_date(rng: random.Random, moment: datetime) -> str:
    """One of the date styles found in the wild (YAML timestamps and dates)."""
    style = rng.random()
    if style < 0.4:
        offset = rng.choice(OFFSETS)
        sign = -1 if offset[0] == "-" else 1
        delta = timedelta(hours=int(offset[1:3]), minutes=int(offset[4:6])) * sign
        local = moment.astimezone(timezone(delta))
        return local.strftime("%Y-%m-%dT%H:%M:%S") + offset
    if style < 0.7:
        return moment.strftime("%Y-%m-%dT%H:%M:%SZ")
    if style < 0.9:
        return moment.strftime("%Y-%m-%d")
    return moment.strftime("%Y-%m-%d %H:%M:%S")


def _sort_seconds(text: str) -> float:
    """The moment aireader sorts by: a naive time or a bare day is taken as UTC."""
    value = datetime.fromisoformat(text.replace("Z", "+00:00"))
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.timestamp()


def _body(rng: random.Random, pools: _Pools, intro: str, target: int) -> str:
    """Markdown of about ``target`` bytes: a unique intro, then blocks from the pools."""
    parts = [intro]
    size = len(intro)
    while size < target:
        kind = rng.random()
        if kind < 0.15:
            block = f"{'#' * rng.choice((2, 2, 3))} {rng.choice(pools.headings)}"
        elif kind < 0.27:
            marker = rng.choice(("-", "*", "1."))
            block = "\n".join(
                f"{marker} {item}" for item in rng.sample(pools.items, rng.randint(3, 6))
            )
        elif kind < 0.3:
            block = f"> {rng.choice(pools.paragraphs)}"
        else:
            block = rng.choice(pools.paragraphs)
        parts.append(block)
        size += len(block) + 2
    return "\n\n".join(parts) + "\n"


def _article(
    rng: random.Random, pools: _Pools, title: str, date: str, *, target: int, intro: str
) -> str:
    chosen = rng.choices(pools.tags, cum_weights=pools.tag_cum_weights, k=rng.randint(1, 5))
    tags = list(dict.fromkeys(chosen))
    front = [
        "---",
        f"title: {json.dumps(title)}",
        f"date: {date}",
        "tags: [" + ", ".join(tags) + "]",
        f"author: {pools.authors[rng.randrange(len(pools.authors))]}",
        "---",
        "",
    ]
    return "\n".join(front) + _body(rng, pools, intro, target)


@dataclass(frozen=True)
class GeneratedLibrary:
    """A library on disk, and what the benchmark needs to know about it."""

    root: Path
    """The folder to open in aireader."""
    count: int
    newest_title: str
    seed: int
    big_title: str | None = None
    """The 1 MB article's title (big library only)."""
    big_first_words: str | None = None
    """The words its body starts with (big library only)."""

    @property
    def manifest_path(self) -> Path:
        return self.root.parent / "manifest.json"


def _reusable(home: Path, marker: dict[str, object]) -> bool:
    try:
        found = json.loads((home / "marker.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return bool(found == marker and (home / "manifest.json").is_file())


def _reset(home: Path) -> None:
    if home.exists():
        shutil.rmtree(home)
    (home / "articles").mkdir(parents=True)


def _start(home: Path, seed: int) -> tuple[random.Random, Vocabulary, _Pools]:
    """An empty ``home``, and the seeded generator, vocabulary and text pools to fill it."""
    _reset(home)
    rng = random.Random(seed)
    vocab = vocabulary(seed)
    return rng, vocab, _make_pools(rng, vocab)


def _load(home: Path, seed: int) -> GeneratedLibrary:
    manifest = json.loads((home / "manifest.json").read_text(encoding="utf-8"))
    return GeneratedLibrary(
        root=home / "articles",
        count=manifest["count"],
        newest_title=manifest["titles_newest_first"][0],
        seed=seed,
        big_title=manifest.get("big_title"),
        big_first_words=manifest.get("big_first_words"),
    )


def _finish(
    home: Path, marker: dict[str, object], entries: list[tuple[float, str, str]], **extra: object
) -> None:
    """Write the manifest (newest first, as aireader sorts), then the marker."""
    entries.sort(key=lambda e: (-e[0], e[1].casefold(), e[2]))
    manifest = {"count": len(entries), "titles_newest_first": [e[1] for e in entries], **extra}
    (home / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False), encoding="utf-8")
    (home / "marker.json").write_text(json.dumps(marker), encoding="utf-8")


def _write(path: Path, text: str) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
    try:
        os.write(fd, text.encode("utf-8"))
    finally:
        os.close(fd)


def synthetic_library(workdir: Path, n: int, seed: int = DEFAULT_SEED) -> GeneratedLibrary:
    """``n`` articles under ``workdir``, made now or reused from an earlier run."""
    home = workdir / f"synthetic-n{n}-s{seed}"
    marker: dict[str, object] = {
        "generator": GENERATOR_VERSION,
        "kind": "synthetic",
        "n": n,
        "seed": seed,
    }
    if _reusable(home, marker):
        return _load(home, seed)
    rng, vocab, pools = _start(home, seed)
    newest = rng.randrange(n)
    entries: list[tuple[float, str, str]] = []
    folder = home / "articles"
    for i in range(n):
        if i % PER_FOLDER == 0:
            folder = home / "articles" / f"{i // PER_FOLDER:04d}"
            folder.mkdir()
        moment = NEWEST if i == newest else START + timedelta(seconds=rng.randrange(SPAN_SECONDS))
        date = _format_date(rng, moment)
        title_words = _draw(rng, vocab, rng.randint(4, 9))
        title = _title_case(title_words)
        intro = f"{_title_case(_draw(rng, vocab, 12))}, number {i + 1} in this collection."
        name = f"{i:06d}-{'-'.join(title_words[:4])}.md"
        _write(
            folder / name,
            _article(rng, pools, title, date, target=rng.randint(2048, 8192), intro=intro),
        )
        entries.append((_sort_seconds(date), title, f"{folder.name}/{name}"))
    _finish(home, marker, entries)
    return _load(home, seed)


def big_library(workdir: Path, seed: int = DEFAULT_SEED) -> GeneratedLibrary:
    """A few normal articles and one of about 1 MB, dated in the middle of them."""
    home = workdir / f"big-s{seed}"
    marker: dict[str, object] = {
        "generator": GENERATOR_VERSION,
        "kind": "big",
        "bytes": BIG_ARTICLE_BYTES,
        "seed": seed,
    }
    if _reusable(home, marker):
        return _load(home, seed)
    rng, vocab, pools = _start(home, seed)
    entries: list[tuple[float, str, str]] = []
    big_index = BIG_LIBRARY_NORMAL // 2
    big_title = first_words = ""
    for i in range(BIG_LIBRARY_NORMAL + 1):
        moment = NEWEST - timedelta(days=30 * i)  # weeks apart: the order is certain
        date = moment.strftime("%Y-%m-%dT%H:%M:%SZ")
        if i == big_index:
            title = "The long read: one megabyte of Markdown"
            first_words = "This long read opens on a quiet harbour"
            intro = f"{first_words} at dawn, {' '.join(_draw(rng, vocab, 30))}."
            target = BIG_ARTICLE_BYTES
            big_title = title
        else:
            title = _title_case(_draw(rng, vocab, rng.randint(4, 8)))
            intro = f"{_title_case(_draw(rng, vocab, 12))}, short piece {i + 1}."
            target = rng.randint(2048, 8192)
        name = f"{i:02d}-article.md"
        _write(
            home / "articles" / name, _article(rng, pools, title, date, target=target, intro=intro)
        )
        entries.append((_sort_seconds(date), title, name))
    _finish(home, marker, entries, big_title=big_title, big_first_words=first_words)
    return _load(home, seed)


def parse_sizes(text: str) -> list[int]:
    """``"1000,10k,100k"`` -> ``[1000, 10000, 100000]``."""
    sizes = []
    for part in text.split(","):
        part = part.strip().lower().replace("_", "")
        if part:
            scale = 1000 if part.endswith("k") else 1
            sizes.append(int(part.rstrip("k")) * scale)
    if not sizes or min(sizes) < 1:
        raise ValueError(f"not a list of sizes: {text!r}")
    return sizes


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.generate", description=__doc__.split("\n")[0]
    )
    parser.add_argument(
        "--sizes", default="1000,10000,100000", help="comma-separated (default: %(default)s)"
    )
    parser.add_argument(
        "--workdir", type=Path, default=DEFAULT_WORKDIR, help="default: %(default)s"
    )
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help="default: %(default)s")
    args = parser.parse_args(argv)
    for n in parse_sizes(args.sizes):
        started = time.perf_counter()
        library = synthetic_library(args.workdir, n, args.seed)
        print(f"{n:>7,} articles  {time.perf_counter() - started:6.1f} s  {library.root}")
    started = time.perf_counter()
    big = big_library(args.workdir, args.seed)
    print(f"{'1 MB':>7} article   {time.perf_counter() - started:6.1f} s  {big.root}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
