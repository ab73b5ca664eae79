"""Running queries over a list of articles with the index's full-text engine.

:class:`Search` joins the two halves of a query: the words go to the index
(SQLite FTS5, or a plain scan of the folded text when FTS5 is missing) and the
fields (``tag:``, ``is:``, dates…) are checked on the articles in memory. Used
by the app (in a worker thread, with its own :meth:`Index.reader`) and by the
command line.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from aireader.core.article import Article
from aireader.core.index import Index
from aireader.core.query import (
    Node,
    Query,
    QueryError,
    ScanStats,
    Text,
    document_tokens,
    evaluate,
    text_matches,
    text_score,
    to_fts,
)
from aireader.core.store import UNTOUCHED, ArticleState


def _day(article: Article) -> int:
    """The calendar day of an article as written (a file's own day, in local time)."""
    if article.date is not None:
        return article.date.day().toordinal()
    return date.fromtimestamp(article.mtime).toordinal()


RANK_LIMIT = 20_000
"""Up to this many full-text hits are ranked by BM25."""
TITLE_BONUS = 1000.0
"""Added to the score of a hit whose title or tags match: more than BM25 ever gives."""


@dataclass
class Search:
    """Queries over ``articles`` (in list order), whose index ids are ``ids``."""

    index: Index
    articles: Sequence[Article]
    ids: Sequence[int]
    states: Mapping[str, ArticleState]

    def __post_init__(self) -> None:
        self._lock = threading.Lock()  # one query at a time on the index connection
        self._position = {article_id: i for i, article_id in enumerate(self.ids)}
        self._days: list[int] | None = None

    def run(self, query: Query) -> list[int]:
        """Positions in ``articles`` of the hits, best first (or newest first)."""
        with self._lock:
            return evaluate(query, self)

    # -- the Corpus protocol ---------------------------------------------------

    def state(self, position: int) -> ArticleState:
        return self.states.get(self.articles[position].identity, UNTOUCHED)

    def day(self, position: int) -> int:
        if self._days is None:  # once per list of articles, when a query has a date
            self._days = [_day(a) for a in self.articles]
        return self._days[position]

    def text(self, node: Node) -> dict[int, float]:
        """Hits with a score: a match in the title or tags first, then by BM25.

        (BM25 alone cannot promise that: in a small library a word most
        articles share weighs almost nothing, wherever it is.) Above
        :data:`RANK_LIMIT` hits BM25 is skipped: title or tags first, then date.
        """
        if not self.index.fts:
            return self._scan(node)
        position = self._position
        expression = to_fts(node)
        try:
            if self.index.count_matches(expression) <= RANK_LIMIT:
                pairs = self.index.match(expression)
                found = {position[i]: score for i, score in pairs if i in position}
            else:
                found = dict.fromkeys(
                    [position[i] for i in self.index.match_ids(expression) if i in position], 0.0
                )
            for i in self.index.match_ids(f"{{title tags}} : ({expression})"):
                at = position.get(i)
                if at is not None and at in found:  # (a word excluded only from the title
                    found[at] += TITLE_BONUS  # may still be in the body: not a hit then)
            return found
        except sqlite3.OperationalError as exc:  # not expected: the expression is built here
            raise QueryError(f"the search index refused this query ({exc})") from None

    def _scan(self, node: Node) -> dict[int, float]:
        """The engine without FTS5: every row's words, matched in Python."""
        rows = [
            (position[i], document_tokens(columns))
            for i, columns in self.index.texts()
            if i in (position := self._position)
        ]
        if not rows:
            return {}
        mean = sum(sum(len(c) for c in doc) for _, doc in rows) / len(rows) or 1.0
        counts: dict[Text, int] = {}

        def having(leaf: Text) -> int:
            if leaf not in counts:
                counts[leaf] = sum(1 for _, doc in rows if text_matches(leaf, doc))
            return counts[leaf]

        stats = ScanStats(len(rows), mean, having)
        return {at: text_score(node, doc, stats) for at, doc in rows if text_matches(node, doc)}
