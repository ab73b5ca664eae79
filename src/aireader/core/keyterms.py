"""Key terms for an article without tags, from its own text against the whole library.

Candidates are the article's words and short phrases (runs of up to three words
between stop words and punctuation, as RAKE takes them), names kept whole:
``Wan2.1``, ``GPT-4o mini``, ``Meta Platforms``. ``open-source`` and ``open
source`` are one term. A term scores by how often the article uses it (and
whether its title does, and whether it is written as a name) against how many
of the library's articles have it (TF-IDF): a word in every article says little.

Only the opening of a long text is read (:data:`READ`): key terms come early in
an article, and the cost stays small at 100,000 articles.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from aireader.core.language import _PROFILES

READ = 3_000
"""Characters of the body read for candidates."""
KEEP = 40
"""Candidates kept per article (the strongest by its own counts): what the index stores."""

_FILLER_WORDS = (
    "said says say also new would could should might may will can one two three first "
    "last people according like just more most many much year years time times way make "
    "made makes get got even still well however since while because after before over "
    "such other some any very into our we us i he she his her them these those there here "
    "what which who whom whose how why where when if then so no yes all each every both "
    "few only own same than too now mr mrs ms it its it's their they you your my me us "
    "being been was were are is be do does did done has have had this that with from "
    "about around across among between through during without within upon onto off out up "
    "down again further once already yet though although whether either neither nor not "
    "but and or for of to in on at by as an a the use used using including include "
    "includes based known another something thing things lot lots part parts way ways day "
    "days week weeks month months today recently recent currently current according said "
    "told asked reported really able want wants need needs going go goes went come comes "
    "came see seen look looks looking take takes took give gives given put puts set sets "
    "keep keeps let lets seem seems become becomes became show shows showed help helps "
    "work works worked world big small large great good better best high higher low long "
    "short next back full less least per via etc e.g i.e além disso ainda assim então "
    "pois porém contudo também apenas cada outro outra outros outras mesmo mesma muito "
    "muitos muita muitas pouco grande grandes novo nova novos novas sendo sido tem ter "
    "teve vai vão pode podem deve devem sobre segundo además embargo así entonces aunque "
    "cada otro otra otros otras mismo misma gran nuevo nueva puede pueden debe sin según "
    "cependant ainsi alors aussi chaque autre autres même nouveau nouvelle peut peuvent "
    "doit selon sans jedoch also dann auch jede jeder andere neue neuen kann können muss "
    "ohne laut"
)
_FILLER = frozenset(_FILLER_WORDS.split())
STOP: frozenset[str] = frozenset().union(_FILLER, *_PROFILES.values())
"""Words that neither are a term nor start or end one (every profiled language's)."""

_TOKEN = re.compile(
    r"[^\W_](?:[^\W_]|[.\-](?=[^\W_]))*(?:['’]s\b)?"  # Wan2.1, GPT-4o, open-source, U.S
    r"|[.,;:!?()\[\]{}\"“”«»|/\\—–…]+",  # what ends a run
    re.UNICODE,
)
_NUMBER = re.compile(r"^[\d.\-]+$")
_POSSESSIVE = re.compile(r"['’]s$")


@dataclass(frozen=True, slots=True)
class Candidate:
    key: str
    """Case- and hyphen-folded: ``open source``, ``wan2.1``, ``gpt-4o mini``."""
    name: str
    """As the article most often writes it."""
    count: int
    in_title: bool
    named: bool
    """Mostly written with a capital (or digits), as a name is."""


def _fold(word: str) -> str:
    """A word's part of a key: "open-source" is "open source"; "GPT-4" stays whole."""
    low = word.lower()
    if "-" in low and not any(c.isdigit() for c in low):
        return low.replace("-", " ")
    return low


def _runs(text: str) -> list[list[str]]:
    """Runs of words between stop words and punctuation (a possessive 's dropped)."""
    runs: list[list[str]] = []
    run: list[str] = []
    for token in _TOKEN.findall(text):
        if token[0].isalnum():
            bare = _POSSESSIVE.sub("", token).rstrip(".")
            if bare and bare.lower() not in STOP and not _NUMBER.match(bare):
                run.append(bare)
                if bare == token.rstrip("."):
                    continue
                # "OpenAI's model": the name ends a run, it does not start "OpenAI model"
        if run:
            runs.append(run)
            run = []
    if run:
        runs.append(run)
    return runs


def _grams(runs: list[list[str]]) -> Iterable[tuple[str, str]]:
    """Every term of up to three words in the runs: (key, as written)."""
    for run in runs:
        keys = [_fold(w) for w in run]
        for start in range(len(run)):
            word = run[start]
            if len(word) >= 3 or any(c.isdigit() for c in word):  # "AI" alone says little
                yield keys[start], word
            if start + 1 < len(run):
                yield f"{keys[start]} {keys[start + 1]}", f"{word} {run[start + 1]}"
                if start + 2 < len(run):
                    yield (
                        f"{keys[start]} {keys[start + 1]} {keys[start + 2]}",
                        f"{word} {run[start + 1]} {run[start + 2]}",
                    )


def candidates(title: str, body: str) -> list[Candidate]:
    """The article's candidate terms, strongest (by its own counts) first."""
    counts: Counter[str] = Counter()
    spelled: Counter[tuple[str, str]] = Counter()
    for key, surface in _grams(_runs(body[:READ])):
        counts[key] += 1
        spelled[key, surface] += 1
    title_keys = {key for key, _ in _grams(_runs(title))}
    kept = {key: n for key, n in counts.items() if n >= 2}
    # A term that mostly comes inside a longer one of the article's is that longer one.
    inside: Counter[str] = Counter()
    for key, n in kept.items():
        words = key.split(" ")
        for size in range(1, len(words)):
            for start in range(len(words) - size + 1):
                part = " ".join(words[start : start + size])
                inside[part] = max(inside[part], n)
    names: dict[str, tuple[int, str]] = {}
    capital: Counter[str] = Counter()
    for (key, surface), n in spelled.items():
        if key in kept:
            if n > names.get(key, (0, ""))[0]:
                names[key] = (n, surface)
            if surface[0].isupper() or surface[0].isdigit():
                capital[key] += n
    out = []
    for key, count in kept.items():
        if inside[key] * 2 >= count:
            continue
        named = capital[key] * 2 > count
        out.append(Candidate(key, names[key][1], count, key in title_keys, named))
    out.sort(key=lambda c: (-_local(c), c.key))
    return out[:KEEP]


def _local(c: Candidate) -> float:
    """A candidate's weight within its article alone."""
    size = c.key.count(" ") + 1
    weight = (1 + math.log(c.count)) * (1.3 if c.in_title else 1.0) * (1.5 if c.named else 1.0)
    return weight * (1.5 if size > 1 else 1.0)


def key_terms(
    found: Sequence[Candidate], docs: Mapping[str, int], total: int, k: int = 6
) -> list[str]:
    """Up to ``k`` key terms (at least 3 when there are), best first, named as the
    article writes them. ``docs`` is how many of the library's ``total`` articles
    have each term."""
    scored = []
    for c in found:
        df = max(1, docs.get(c.key, 1))
        idf = math.sqrt(math.log(1 + total / df))  # gentle: a small library has few docs
        if total >= 20 and df > total * 0.5:
            continue  # in most articles: says nothing about this one
        scored.append((_local(c) * idf, c))
    scored.sort(key=lambda item: (-item[0], item[1].key))
    chosen: list[Candidate] = []
    for score, c in scored:
        words = set(c.key.split())
        if any(words <= set(o.key.split()) or set(o.key.split()) <= words for o in chosen):
            continue  # "open" beside "open source": one of them is enough
        chosen.append(c)
        if len(chosen) == k:
            break
        del score
    return [c.name for c in chosen]


# -- storage in the index -----------------------------------------------------------


def pack(found: Sequence[Candidate]) -> str:
    """Candidates as one line of text for the index (tab and newline never occur in them)."""
    return "\n".join(
        f"{c.key}\t{c.name}\t{c.count}\t{int(c.in_title)}\t{int(c.named)}" for c in found
    )


def unpack(text: str) -> list[Candidate]:
    out = []
    for line in text.split("\n") if text else ():
        key, name, count, in_title, named = line.split("\t")
        out.append(Candidate(key, name, int(count), in_title == "1", named == "1"))
    return out


def keys_of(text: str) -> list[str]:
    """The candidate keys of packed text (for document counts), without unpacking all."""
    return [line.split("\t", 1)[0] for line in text.split("\n")] if text else []
