"""Words as search sees them: folded, tokenised, and Chinese/Japanese/Korean cut into pairs.

One function, :func:`fold`, turns text into what the search index stores. Its
output is made for SQLite FTS5's ``ascii`` tokenizer: ASCII letters and digits
are word characters, ASCII punctuation and spaces separate words, and every
non-ASCII character left in the output is a word character. :func:`tokens`
splits folded text exactly as that tokenizer does, so the full-text index and
the plain scan used without FTS5 see the same words.

Folding is case- and diacritic-insensitive (``Inteligência`` → ``inteligencia``).
CJK text has no spaces between words, so every run of CJK characters becomes
its overlapping pairs followed by its last character (``视频生成`` →
``视频 频生 生成 成``): any substring of two or more characters is then a
phrase of pairs, and any single character is the start of some token.
"""

from __future__ import annotations

import re
import unicodedata

COLUMNS = ("title", "tags", "author", "source", "body")
"""The full-text columns, in index order."""
WEIGHTS = (10.0, 5.0, 2.0, 2.0, 1.0)
"""How much a match in each column counts: title and tags above the body."""

_CJK_CHARS = (
    "\u3040-\u30ff\u31f0-\u31ff"  # hiragana, katakana
    "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"  # CJK ideographs
    "\uac00-\ud7af"  # hangul syllables
    "\U00020000-\U0002fa1f"
)
_CJK_RUN = re.compile(f"[{_CJK_CHARS}]+")
_TOKEN = re.compile(r"[^\x00-\x2f\x3a-\x40\x5b-\x60\x7b-\x7f]+")
"""A word for FTS5's ``ascii`` tokenizer: ASCII letters and digits, and any non-ASCII."""


class _FoldTable(dict[int, "str | None"]):
    """Per-character folding for non-ASCII text, filled in as characters are met."""

    def __missing__(self, code: int) -> str | None:
        char = chr(code)
        value: str | None
        if code < 128:
            value = char
        elif unicodedata.combining(char):
            value = None  # a diacritic: dropped
        elif char.isalnum() or unicodedata.category(char)[0] == "M":
            value = char
        else:
            value = " "  # non-ASCII punctuation, symbols and spaces separate words
        self[code] = value
        return value


_TABLE = _FoldTable()


def fold(text: str) -> str:
    """``text`` as the index stores it (see the module docstring)."""
    text = _fold_letters(text)
    if text.isascii() or _CJK_RUN.search(text) is None:
        return text
    return _CJK_RUN.sub(_pairs, text)


def _fold_letters(text: str) -> str:
    """Case, diacritics and compatibility forms folded; CJK runs left whole."""
    if text.isascii():
        return text.lower()
    text = _decompose(text).translate(_TABLE)
    return unicodedata.normalize("NFC", text)  # recompose what is not a diacritic (hangul)


def _decompose(text: str) -> str:
    """Compatibility-decomposed and case-folded (``ℌ`` → ``h``, ``Ａ`` → ``a``, ``é`` → ``e´``)."""
    return unicodedata.normalize("NFKD", unicodedata.normalize("NFKD", text).casefold())


def _pairs(match: re.Match[str]) -> str:
    run = match.group()
    return " " + " ".join([run[i : i + 2] for i in range(len(run) - 1)] + [run[-1]]) + " "


def tokens(folded: str) -> list[str]:
    """The words of folded text, as FTS5's ``ascii`` tokenizer finds them."""
    return _TOKEN.findall(folded)


def is_cjk(token: str) -> bool:
    return _CJK_RUN.match(token) is not None


def query_tokens(text: str) -> list[tuple[str, bool]]:
    """The tokens a query word or phrase must match in a row, as ``(token, is_prefix)``.

    Latin words fold as in a document. A CJK run becomes its pairs, plus its
    last character when more follows in the query (a document has that token
    there too); a single CJK character at the end matches as a prefix, since
    in a document it may start a pair.
    """
    folded = _fold_letters(text)
    out: list[tuple[str, bool]] = []
    parts = _TOKEN.findall(folded)
    for n, part in enumerate(parts):
        last_part = n == len(parts) - 1
        position = 0
        for match in _CJK_RUN.finditer(part):
            if match.start() > position:
                out.append((part[position : match.start()], False))
            run = match.group()
            followed = match.end() < len(part) or not last_part
            if len(run) == 1:
                out.append((run, not followed))
            else:
                out.extend((run[i : i + 2], False) for i in range(len(run) - 1))
                if followed:
                    out.append((run[-1], False))
            position = match.end()
        if position < len(part):
            out.append((part[position:], False))
    return out


def token_spans(text: str) -> list[tuple[str, int, int]]:
    """The tokens of ``text`` in order, as :func:`tokens` finds them in ``fold(text)``,
    each with the span of ``text`` it comes from: for highlighting what a query matched.

    A Latin token's span is its whole word (a word folds to one token, but for rare
    compatibility characters); a CJK pair's is its two characters, and the single
    character ending a run is itself.
    """
    out: list[tuple[str, int, int]] = []
    for match in _WORD.finditer(text):
        word, base = match.group(), match.start()
        at = 0
        for run in _CJK_RUN.finditer(word):
            if run.start() > at:
                latin = tokens(fold(word[at : run.start()]))
                out.extend((t, base + at, base + run.start()) for t in latin)
            _cjk_token_spans(run.group(), base + run.start(), out)
            at = run.end()
        if at < len(word):
            out.extend((t, base + at, base + len(word)) for t in tokens(fold(word[at:])))
    return out


def _cjk_token_spans(run: str, start: int, out: list[tuple[str, int, int]]) -> None:
    """A CJK run's tokens (its pairs, then its last character) with their spans."""
    found = tokens(fold(run))
    if len(_fold_letters(run)) != len(run) or len(found) != max(1, len(run)):
        out.extend((t, start, start + len(run)) for t in found)  # folding changed its length
        return
    for i, token in enumerate(found):
        out.append((token, start + i, start + min(i + 2, len(run))))


def word_spans(text: str) -> list[tuple[int, int, str]]:
    """Where the words of unfolded ``text`` are, with each word folded: for highlighting."""
    return [(m.start(), m.end(), fold(m.group())) for m in _WORD.finditer(text)]


_WORD = re.compile(r"[^\W_]+(?:[\u0300-\u036f]+[^\W_]*)*")
