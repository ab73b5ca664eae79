"""A short extract: two or three of the article's own sentences, never new text.

The body is read as a reader sees it (:func:`plain_text`: link targets, images,
emphasis and heading marks gone, code blocks left out), cut into sentences, and
each sentence is scored by the words it carries: words the article repeats and
words of its title weigh, common words (each language's) do not, and a sentence
near the start gets a little more. The best are returned in the order the
article has them, each exactly as it reads in :func:`plain_text` with its runs
of whitespace made single spaces.
"""

from __future__ import annotations

import itertools
import math
import re
from collections import Counter

from aireader.core.article import cjk_patterns
from aireader.core.language import _PROFILES

LIMIT = 60_000
"""Characters of the body read: an extract comes from the opening of a long text."""
MIN_WORDS = 6
MAX_WORDS = 60
_STOP = frozenset().union(*_PROFILES.values())

_FENCE = re.compile(r"^(```|~~~).*?^\1[^\n]*$", re.M | re.S)
_IMAGE = re.compile(r"!\[[^\[\]\n]{0,500}\]\([^()\n]{0,2000}\)")
_LINK = re.compile(
    r"\[([^\[\]\n]{0,500})\]\((?:[^()\s]|\([^()\s]{0,200}\)){0,2000}(?:\s+\"[^\"\n]{0,300}\")?\)"
)
_HTML = re.compile(r"</?[A-Za-z][^<>\n]{0,200}>")
_EMPHASIS = re.compile(r"(\*\*|__|\*|`+)(?=\S)(.+?)(?<=\S)\1")
_LINE_MARK = re.compile(r"^[ \t]{0,3}(?:>[ \t]?|[-*+][ \t]+|\d{1,3}[.)][ \t]+)", re.M)
_HEADING = re.compile(r"^[ \t]{0,3}#{1,6}[ \t].*$|^[ \t]*(?:[-*_][ \t]*){3,}$", re.M)
_PARAGRAPHS = re.compile(r"\n[ \t]*\n")
_WORD = re.compile(r"[^\W_]+(?:[-'’.][^\W_]+)*", re.UNICODE)
_SENTENCE_END = re.compile(r"[.!?…]+[\"'”’)\]]*(?=\s+[\"'“‘(\[]?[A-ZÀ-ÖØ-Þ0-9])|[。！？]+")
_ABBREVIATION_WORDS = (
    "mr mrs ms dr prof sr jr st vs etc e.g i.e u.s u.k no fig al inc ltd co corp "
    "jan feb mar apr jun jul aug sep sept oct nov dec sra srta dra"
)
_ABBREVIATIONS = frozenset(_ABBREVIATION_WORDS.split())
"""Words a full stop follows without ending the sentence."""


def plain_text(body: str) -> str:
    """The body as a reader reads it: what :func:`extract` quotes from."""
    text = body[:LIMIT]
    text = _FENCE.sub("", text)
    text = _IMAGE.sub("", text)
    text = _LINK.sub(lambda m: m.group(1), text)
    text = _HTML.sub("", text)
    text = _HEADING.sub("", text)
    text = _LINE_MARK.sub("", text)
    return _EMPHASIS.sub(lambda m: m.group(2), text)


def sentences(text: str) -> list[str]:
    """``text`` cut into sentences, whitespace made single spaces; a paragraph of a
    line without a sentence's end (a heading, a caption, a byline) is dropped."""
    out: list[str] = []
    for paragraph in _PARAGRAPHS.split(text):
        line = " ".join(paragraph.split())
        if not line:
            continue
        if not re.search(r"[.!?…。！？][\"'”’)\]]*$", line):
            continue  # no sentence's end: a heading or a caption, not prose
        start = 0
        for end in _SENTENCE_END.finditer(line):
            before = line[start : end.start()].rsplit(" ", 1)[-1].lower().rstrip(".")
            if end.group().startswith(".") and (
                before in _ABBREVIATIONS or (len(before) == 1 and before.isalpha())
            ):
                continue  # "Dr. Lee", "U.S. firms", "J. Smith"
            out.append(line[start : end.end()].strip())
            start = end.end()
        rest = line[start:].strip()
        if rest:
            out.append(rest)
    return out


def _words(sentence: str) -> list[str]:
    words = [w.lower() for w in _WORD.findall(sentence)]
    cjk = cjk_patterns()[0].findall(sentence)
    return words + [a + b for a, b in itertools.pairwise(cjk)] if cjk else words


def _length(sentence: str) -> int:
    """Words, a CJK character counting as half a word."""
    char = cjk_patterns()[0]
    return len(_WORD.findall(char.sub(" ", sentence))) + len(char.findall(sentence)) // 2


def extract(title: str, body: str, n: int = 3) -> list[str]:
    """Two or three sentences of ``body`` that say the most, in the article's order.

    Short articles give fewer (none for an empty one); each sentence is exactly
    as it reads in :func:`plain_text` (runs of whitespace made one space).
    """
    found = [s for s in sentences(plain_text(body)) if MIN_WORDS <= _length(s) <= MAX_WORDS]
    if not found:
        return []
    want = min(n, 2 if len(found) < 12 else 3, len(found))
    if len(found) <= want:
        return found
    counts: Counter[str] = Counter(
        w for s in found for w in set(_words(s)) if w not in _STOP and len(w) > 2
    )
    title_words = {w for w in _words(title) if w not in _STOP}
    scored = []
    for place, sentence in enumerate(found):
        words = {w for w in _words(sentence) if w not in _STOP and len(w) > 2}
        weight = sum(math.log1p(counts[w]) for w in words if counts[w] > 1)
        weight += 1.5 * len(words & title_words)
        weight /= math.sqrt(max(8, _length(sentence)))
        weight *= 1.25 if place < 3 else 1.0  # the opening says what the piece is about
        scored.append((weight, -place, place))
    chosen = sorted(place for _, _, place in sorted(scored, reverse=True)[:want])
    return [found[place] for place in chosen]
