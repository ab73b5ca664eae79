"""The search language: one parser and one evaluator for the app and the command line.

    sora video            both words (in any field)
    "open source"         the exact phrase
    -closed               without the word
    sora OR veo           either (OR joins the terms beside it: sora video OR image
                          is sora, and video or image)
    gen*                  a word starting with "gen"
    tag:sora  author:lund  source:nytimes  title:wan  lang:pt  in:news/2024
    is:unread  is:read  is:bookmarked  after:2024-03-01  before:2024-05
    (a OR b) -c           parentheses group

Words are matched case- and diacritic-insensitively (``inteligencia`` finds
"Inteligência"); Chinese and Japanese are matched as substrings (``视频`` finds
"视频生成"). ``after:`` includes the day (or month, or year) given, ``before:``
excludes it, so ``after:2024-03 before:2024-04`` is March 2024.

:func:`parse` raises :class:`QueryError` with a message for a person; a query is
evaluated by :func:`evaluate` against a :class:`Corpus` whose full-text engine
is either SQLite FTS5 (:func:`to_fts`) or a plain scan (:func:`text_matches`):
both give the same hits.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from itertools import compress
from typing import Protocol

from aireader.core.article import Article, tag_key
from aireader.core.store import ArticleState
from aireader.core.text import neutralise_line
from aireader.core.words import COLUMNS, WEIGHTS, fold, is_cjk, query_tokens, token_spans, tokens

TEXT_FIELDS = {"title": "title", "author": "author", "source": "source"}
FIELDS = ("tag", "topic", "author", "source", "lang", "title", "is", "after", "before", "in")
STATES = ("unread", "read", "bookmarked")


class QueryError(ValueError):
    """A query that cannot be understood; the message says why, for a person."""


# -- the tree -----------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Text:
    """Words that must appear in this order; the last may be a prefix."""

    tokens: tuple[tuple[str, bool], ...]
    column: str | None = None


@dataclass(frozen=True, slots=True)
class Field:
    """A condition on an article's metadata or state: ``tag:``, ``is:``, ``after:``…"""

    name: str
    value: str
    prefix: bool = False
    day: int = 0
    """For ``after:``/``before:``: the first day of the day, month or year (an ordinal)."""


@dataclass(frozen=True, slots=True)
class Not:
    node: Node


@dataclass(frozen=True, slots=True)
class And:
    nodes: tuple[Node, ...]


@dataclass(frozen=True, slots=True)
class Or:
    nodes: tuple[Node, ...]


Node = Text | Field | Not | And | Or


@dataclass(frozen=True, slots=True)
class Query:
    """A parsed query. ``root`` is None for an empty query, which matches everything."""

    source: str
    root: Node | None

    @property
    def ranked(self) -> bool:
        """True when words decide the order (best match first), not the date."""
        return any(True for _ in _positive_text(self.root))

    def highlights(self, text: str) -> list[tuple[int, int]]:
        """Where in ``text`` (a line of an article) the query's words are, to be
        highlighted: words asked for anywhere (not ``title:``, ``author:``…), a
        phrase only where all its words stand together."""
        return highlight_spans(text, self.text_leaves())

    def text_leaves(self) -> list[Text]:
        """The words and phrases the query asks for anywhere (in an article's text)."""
        return [t for t in _positive_text(self.root) if t.column is None]

    def matches(self, text: str) -> list[tuple[int, int, int]]:
        """Each place in ``text`` that :meth:`text_leaves` match, as ``(leaf, start,
        end)``: which word or phrase (an index into them), and where."""
        return leaf_spans(text, self.text_leaves())

    def title_highlights(self, text: str) -> list[tuple[int, int]]:
        """Like :meth:`highlights`, for a title: words asked for anywhere or in the title."""
        leaves = [t for t in _positive_text(self.root) if t.column in (None, "title")]
        return highlight_spans(text, leaves)


EMPTY = Query("", None)


# -- parsing --------------------------------------------------------------------

_FIELD = re.compile(r"([A-Za-z]+):(.*)", re.DOTALL)
_DATE = re.compile(r"(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?")


@dataclass(slots=True)
class _Token:
    kind: str  # "(", ")", "OR", "NOT", "term"
    text: str = ""
    quoted: bool = False
    negated: bool = False
    field: str | None = None


def _lex(source: str) -> list[_Token]:
    out: list[_Token] = []
    i, n = 0, len(source)
    negated = False
    while i < n:
        char = source[i]
        if char.isspace():
            i += 1
            continue
        if char in "()":
            if char == ")" and negated:
                raise QueryError("'-' needs a word after it")
            out.append(_Token(char, negated=negated and char == "("))
            negated = False
            i += 1
            continue
        if char == "-" and i + 1 < n and not source[i + 1].isspace() and not negated:
            negated = True
            i += 1
            continue
        if char == '"':
            end = source.find('"', i + 1)
            if end < 0:
                raise QueryError('unclosed quote: add the closing "')
            star = end + 1 < n and source[end + 1] == "*"
            text = source[i + 1 : end] + ("*" if star else "")
            out.append(_Token("term", text, quoted=True, negated=negated))
            negated = False
            i = end + 1 + star
            continue
        start = i
        while i < n and not source[i].isspace() and source[i] not in "()":
            if source[i] == '"':
                if not _FIELD.fullmatch(source[start:i] + "x") or source[i - 1] != ":":
                    break
                end = source.find('"', i + 1)
                if end < 0:
                    raise QueryError('unclosed quote: add the closing "')
                i = end + 1
                if i < n and source[i] == "*":
                    i += 1
                break
            i += 1
        word = source[start:i]
        if word in ("OR", "AND", "NOT") and not negated:
            if word != "AND":
                out.append(_Token(word))
            continue
        field_match = _FIELD.fullmatch(word)
        if field_match and not field_match.group(2).startswith("//"):
            name, value = field_match.group(1).lower(), field_match.group(2)
            quoted = value.startswith('"')
            if quoted:
                star = value.endswith("*")
                value = value[1 : -2 if star else -1] + ("*" if star else "")
            out.append(_Token("term", value, quoted=quoted, negated=negated, field=name))
        else:
            out.append(_Token("term", word, negated=negated))
        negated = False
    if negated:
        raise QueryError("'-' needs a word after it")
    return out


class _Parser:
    def __init__(self, tokens: list[_Token]) -> None:
        self.tokens = tokens
        self.at = 0

    def peek(self) -> _Token | None:
        return self.tokens[self.at] if self.at < len(self.tokens) else None

    def parse(self) -> Node | None:
        node = self.and_expr()
        token = self.peek()
        if token is not None:
            raise QueryError("unmatched ')'" if token.kind == ")" else f"unexpected {token.kind}")
        return node

    def and_expr(self) -> Node | None:
        """Terms side by side: all must match. OR binds closer: ``a b OR c`` is a, and b or c."""
        parts: list[Node | None] = []
        saw_any = False
        while (token := self.peek()) is not None and token.kind != ")":
            if token.kind == "OR":
                raise QueryError("OR needs something on each side")
            saw_any = True
            parts.append(self.or_expr())
        if not saw_any:
            return _NOTHING
        kept = [p for p in parts if p is not None]
        if not kept:
            return None
        return kept[0] if len(kept) == 1 else And(tuple(kept))

    def or_expr(self) -> Node | None:
        parts = [self.unary()]
        while (token := self.peek()) is not None and token.kind == "OR":
            self.at += 1
            following = self.peek()
            if following is None or following.kind in ("OR", ")"):
                raise QueryError("OR needs something on each side")
            parts.append(self.unary())
        kept = [p for p in parts if p is not None]
        if not kept:
            return None
        return kept[0] if len(kept) == 1 else Or(tuple(kept))

    def unary(self) -> Node | None:
        token = self.tokens[self.at]
        if token.kind == "NOT":
            self.at += 1
            following = self.peek()
            if following is None or following.kind in ("OR", ")"):
                raise QueryError("NOT needs a word after it")
            inner = self.unary()
            return Not(inner) if inner is not None else None
        self.at += 1
        if token.kind == "(":
            inner = self.and_expr()
            closing = self.peek()
            if closing is None or closing.kind != ")":
                raise QueryError("missing ')'")
            self.at += 1
            if inner is _NOTHING:
                raise QueryError("empty ( )")
            if inner is None:
                return None
            return Not(inner) if token.negated else inner
        if token.kind == ")":
            raise QueryError("unmatched ')'")
        node = _term(token)
        if node is None:
            return None
        return Not(node) if token.negated else node


_NOTHING: Node = And(())  # a marker: no terms at all between operators


def _term(token: _Token) -> Node | None:
    text = token.text
    prefix = text.endswith("*")
    if prefix:
        text = text[:-1]
    if token.field is None:
        return _text(text, prefix, None)
    name = token.field
    if name not in FIELDS:
        known = ", ".join(f + ":" for f in FIELDS)
        raise QueryError(f"unknown field '{_shown(name)}:' (fields: {known})")
    if not text.strip():
        raise QueryError(f"{name}: needs a value, e.g. {_EXAMPLES[name]}")
    if name in TEXT_FIELDS:
        node = _text(text, prefix, TEXT_FIELDS[name])
        if node is None:
            raise QueryError(f"{name}: needs letters or digits, e.g. {_EXAMPLES[name]}")
        return node
    if name == "is":
        value = text.strip().lower()
        if value not in STATES:
            raise QueryError(
                f"is: takes {', '.join(STATES[:-1])} or {STATES[-1]}, not '{_shown(text)}'"
            )
        return Field("is", value)
    if name in ("after", "before"):
        return Field(name, text, day=_first_day(name, text))
    if name in ("tag", "topic"):
        return Field(name, tag_key(text), prefix=prefix)
    if name == "lang":
        return Field("lang", text.strip().lower().replace("_", "-"), prefix=prefix)
    # in:
    return Field("in", fold(text).strip("/"), prefix=True)


_EXAMPLES = {
    "tag": "tag:sora",
    "topic": "topic:sora",
    "author": "author:lund",
    "source": "source:reuters",
    "title": "title:sora",
    "lang": "lang:pt",
    "is": "is:unread",
    "after": "after:2024-03-01",
    "before": "before:2024-05",
    "in": "in:news/2024",
}


def _text(text: str, prefix: bool, column: str | None) -> Text | None:
    found = query_tokens(text)
    if not found:
        return None
    if prefix:
        last, _ = found[-1]
        found[-1] = (last, True)
    return Text(tuple(found), column)


def _first_day(name: str, text: str) -> int:
    match = _DATE.fullmatch(text.strip())
    problem = f"bad date '{_shown(text)}' in {name}: (use YYYY, YYYY-MM or YYYY-MM-DD)"
    if match is None:
        raise QueryError(problem)
    year, month, day = (int(g) if g else 1 for g in match.groups())
    try:
        return date(year, month, day).toordinal()
    except (ValueError, OverflowError):
        raise QueryError(problem) from None


def _shown(text: str) -> str:
    """User text quoted in a message: one line, no control characters, not too long."""
    line = neutralise_line(text)
    return line if len(line) <= 40 else line[:39] + "…"


def parse(source: str) -> Query:
    """Parse a query; raises :class:`QueryError` saying what is wrong."""
    root = _Parser(_lex(source)).parse()
    return Query(source, None if root is _NOTHING else root)


# -- the full-text part -----------------------------------------------------------


def is_text(node: Node) -> bool:
    """True when the whole subtree can be answered by the full-text engine alone."""
    if isinstance(node, Text):
        return True
    if isinstance(node, Field):
        return False
    if isinstance(node, Not):
        return False  # only as a part of an And with something positive
    if isinstance(node, Or):
        return all(is_text(n) for n in node.nodes)
    positives = [n for n in node.nodes if not isinstance(n, Not)]
    negatives = [n.node for n in node.nodes if isinstance(n, Not)]
    return bool(positives) and all(is_text(n) for n in positives + negatives)


def to_fts(node: Node) -> str:
    """An FTS5 MATCH expression for a subtree where :func:`is_text` holds."""
    if isinstance(node, Text):
        phrase = " + ".join(
            f'"{token}"' + (" *" if prefix else "") for token, prefix in node.tokens
        )
        return f"{{{node.column}}} : ({phrase})" if node.column else f"({phrase})"
    if isinstance(node, Or):
        return "(" + " OR ".join(to_fts(n) for n in node.nodes) + ")"
    assert isinstance(node, And)
    positives = [to_fts(n) for n in node.nodes if not isinstance(n, Not)]
    negatives = [to_fts(n.node) for n in node.nodes if isinstance(n, Not)]
    return "(" + " AND ".join(positives) + ")" + "".join(f" NOT {n}" for n in negatives)


Document = Sequence[Sequence[str]]
"""A row's tokens, one sequence per column of :data:`COLUMNS`."""


def text_matches(node: Node, document: Document) -> bool:
    """The plain-scan engine: whether a text subtree matches a row's tokens."""
    if isinstance(node, Text):
        columns = [document[COLUMNS.index(node.column)]] if node.column else document
        return any(_phrase_at(node.tokens, column) for column in columns)
    if isinstance(node, Or):
        return any(text_matches(n, document) for n in node.nodes)
    if isinstance(node, Not):
        return not text_matches(node.node, document)
    assert isinstance(node, And)
    return all(text_matches(n, document) for n in node.nodes)


def _phrase_at(phrase: Sequence[tuple[str, bool]], words: Sequence[str]) -> bool:
    first, first_prefix = phrase[0]
    width = len(phrase)
    for start in range(len(words) - width + 1):
        word = words[start]
        if not (word.startswith(first) if first_prefix else word == first):
            continue
        if all(
            words[start + k].startswith(t) if p else words[start + k] == t
            for k, (t, p) in enumerate(phrase[1:], 1)
        ):
            return True
    return False


def document_tokens(columns: Sequence[str]) -> list[list[str]]:
    """Tokens per column of folded row text, as stored in the index."""
    return [tokens(c) for c in columns]


def text_score(node: Node, document: Document, stats: ScanStats) -> float:
    """A BM25 score for the plain scan, weighted per column like the FTS5 ranking."""
    score = 0.0
    length = sum(len(c) for c in document) or 1
    for leaf in _positive_text(node):
        frequency = 0.0
        for weight, name, column in zip(WEIGHTS, COLUMNS, document, strict=True):
            if leaf.column and leaf.column != name:
                continue
            frequency += weight * _count(leaf.tokens, column)
        if not frequency:
            continue
        have = stats.having(leaf)
        idf = max(math.log((stats.rows - have + 0.5) / (have + 0.5)), 1e-6)
        k1, b = 1.2, 0.75
        score += idf * frequency * (k1 + 1) / (frequency + k1 * (1 - b + b * length / stats.mean))
    return score


def _count(phrase: Sequence[tuple[str, bool]], words: Sequence[str]) -> int:
    return sum(
        1 for start in range(len(words)) if _phrase_at(phrase, words[start : start + len(phrase)])
    )


@dataclass
class ScanStats:
    """Row count, mean length and phrase document counts for scan-engine scoring."""

    rows: int
    mean: float
    having: Callable[[Text], int]


# -- evaluating -----------------------------------------------------------------


class Ranking:
    """What orders the hits: a bonus tier (title or tag matches) and, when the
    words matched few enough articles, a BM25 score per hit."""

    def __init__(self, count: int) -> None:
        self.bonus = bytearray(count)
        self.scores: dict[int, float] | None = {}

    def add(self, bonus: bytearray, scores: dict[int, float] | None) -> None:
        self.bonus = _or(self.bonus, bonus)
        if scores is None or self.scores is None:
            self.scores = None  # too many hits to score: the bonus tier, then list order
            return
        for position, score in scores.items():
            self.scores[position] = self.scores.get(position, 0.0) + score


class Corpus(Protocol):
    """What a query is evaluated against: articles in list order, their state, a text engine.

    Sets of articles are masks: a bytearray with a 1 at each position in the set.
    """

    @property
    def articles(self) -> Sequence[Article]: ...

    def state(self, position: int) -> ArticleState: ...

    def day(self, position: int) -> int:
        """The article's calendar day as its file gives it (an ordinal), for dates."""
        ...

    def text(self, node: Node, ranking: Ranking | None) -> bytearray:
        """The mask of articles whose text matches a subtree for which :func:`is_text`
        holds; adds to ``ranking`` (when given) how to order them."""
        ...

    def field(self, node: Field) -> bytearray:
        """The mask of articles a field condition holds for."""
        ...


def evaluate(query: Query, corpus: Corpus) -> list[int]:
    """Positions of the matching articles: best match first when words rank them,
    otherwise in the corpus's own order."""
    count = len(corpus.articles)
    if query.root is None:
        return list(range(count))
    ranking = Ranking(count)
    mask = _mask(query.root, corpus, ranking)
    if not query.ranked:
        return list(compress(range(count), mask))
    scores = ranking.scores
    if scores:
        hits = list(compress(range(count), mask))
        bonus = ranking.bonus
        hits.sort(key=lambda i: -(scores.get(i, 0.0) + TIER * bonus[i]))  # stable: ties by date
        return hits
    first = _and(mask, ranking.bonus)
    rest = _and(mask, _not(ranking.bonus))
    return list(compress(range(count), first)) + list(compress(range(count), rest))


TIER = 1000.0
"""Added to the score of a title or tag match: more than BM25 ever gives."""


def _mask(node: Node, corpus: Corpus, ranking: Ranking | None) -> bytearray:
    count = len(corpus.articles)
    if is_text(node):
        return corpus.text(node, ranking)
    if isinstance(node, Field):
        return corpus.field(node)
    if isinstance(node, Not):
        return _not(_mask(node.node, corpus, None))
    if isinstance(node, Or):
        out = bytearray(count)
        for child in node.nodes:
            out = _or(out, _mask(child, corpus, ranking))
        return out
    # And: one full-text query for the words, then the cheap conditions over its hits.
    assert isinstance(node, And)
    words = [n for n in node.nodes if is_text(n) or (isinstance(n, Not) and is_text(n.node))]
    if not any(not isinstance(n, Not) for n in words):
        words = []
    rest = [n for n in node.nodes if n not in words]
    mask: bytearray | None = None
    if words:
        group = words[0] if len(words) == 1 else And(tuple(words))
        mask = corpus.text(group, ranking)
    tests = [
        n
        for n in rest
        if isinstance(n, Field) or (isinstance(n, Not) and isinstance(n.node, Field))
    ]
    others = [n for n in rest if n not in tests]
    for child in others:
        child_mask = _mask(child, corpus, ranking)
        mask = child_mask if mask is None else _and(mask, child_mask)
    if not tests:
        assert mask is not None
        return mask
    if mask is not None and mask.count(1) * 16 < count:
        # Few candidates: test each one rather than build a mask over everything.
        checks = [_check(n, corpus) for n in tests]
        out = bytearray(count)
        for i in compress(range(count), mask):
            if all(check(i) for check in checks):
                out[i] = 1
        return out
    for child in tests:
        if isinstance(child, Not):
            child_mask = _not(corpus.field(child.node))  # type: ignore[arg-type]
        else:
            child_mask = corpus.field(child)
        mask = child_mask if mask is None else _and(mask, child_mask)
    assert mask is not None
    return mask


def _check(node: Node, corpus: Corpus) -> Callable[[int], bool]:
    if isinstance(node, Not):
        test = _predicate(node.node, corpus)  # type: ignore[arg-type]
        return lambda i: not test(i)
    return _predicate(node, corpus)  # type: ignore[arg-type]


def _and(a: bytearray, b: bytearray) -> bytearray:
    n = len(a)
    return bytearray(
        (int.from_bytes(a, "little") & int.from_bytes(b, "little")).to_bytes(n, "little")
    )


def _or(a: bytearray, b: bytearray) -> bytearray:
    n = len(a)
    return bytearray(
        (int.from_bytes(a, "little") | int.from_bytes(b, "little")).to_bytes(n, "little")
    )


def _not(a: bytearray) -> bytearray:
    return a.translate(_FLIP)


_FLIP = bytes([1, 0] + [0] * 254)


def mask_of(positions: Iterable[int], count: int) -> bytearray:
    """A mask with a 1 at each of ``positions`` (each below ``count``)."""
    out = bytearray(count)
    for i in positions:
        out[i] = 1
    return out


def field_mask(node: Field, corpus: Corpus) -> bytearray:
    """A field's mask by testing every article (what an engine does without a faster way)."""
    test = _predicate(node, corpus)
    return bytearray(1 if test(i) else 0 for i in range(len(corpus.articles)))


def _predicate(node: Field, corpus: Corpus) -> Callable[[int], bool]:
    articles = corpus.articles
    name, value = node.name, node.value
    if name == "is":
        attribute = {"unread": "read", "read": "read", "bookmarked": "bookmarked"}[value]
        want = value != "unread"
        return lambda i: getattr(corpus.state(i), attribute) is want
    if name == "tag":
        if node.prefix:
            return lambda i: any(k.startswith(value) for k in articles[i].tag_keys)
        return lambda i: value in articles[i].tag_keys
    if name == "topic":
        if node.prefix:
            return lambda i: any(k.startswith(value) for k in articles[i].topic_keys)
        return lambda i: value in articles[i].topic_keys
    if name == "lang":

        def lang(i: int) -> bool:
            have = (articles[i].lang or "").lower().replace("_", "-")
            return have == value or have.startswith(value if node.prefix else value + "-")

        return lang
    if name == "after":
        return lambda i: corpus.day(i) >= node.day
    if name == "before":
        return lambda i: corpus.day(i) < node.day
    # in: a folder (or a file) under the library
    return lambda i: (p := fold(articles[i].relpath)) == value or p.startswith(value + "/")


def _positive_text(node: Node | None) -> Iterable[Text]:
    if isinstance(node, Text):
        yield node
    elif isinstance(node, And | Or):
        for child in node.nodes:
            yield from _positive_text(child)


def highlight_spans(text: str, leaves: Sequence[Text]) -> list[tuple[int, int]]:
    """Spans of ``text`` where ``leaves`` match, as search matches them: a word as a
    whole word (a prefix only when it was asked for, ``gen*``), a phrase only where
    all its words stand together, in order."""
    return _merge([(start, end) for _, start, end in leaf_spans(text, leaves)])


def leaf_spans(text: str, leaves: Sequence[Text]) -> list[tuple[int, int, int]]:
    """Each match of ``leaves`` in ``text``: ``(leaf index, start, end)``, in order."""
    folded = fold(text)
    wanted = [
        n for n, leaf in enumerate(leaves) if all(token in folded for token, _ in leaf.tokens)
    ]
    if not wanted:
        return []  # the common case for a line of a long article: nothing to look at
    stream = token_spans(text)
    words = [token for token, _, _ in stream]
    found: list[tuple[int, int, int]] = []
    for n in wanted:
        phrase = leaves[n].tokens
        width = len(phrase)
        for at in range(len(words) - width + 1):
            if not _phrase_at(phrase, words[at : at + width]):
                continue
            start = stream[at][1]
            last_token, last_prefix = phrase[-1]
            _, last_start, end = stream[at + width - 1]
            if last_prefix and is_cjk(last_token):  # one character, not the pair it starts
                end = last_start + len(last_token)
            found.append((n, start, max(end, start)))
    found.sort(key=lambda match: (match[1], match[2]))
    return found


def _merge(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged
