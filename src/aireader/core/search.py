"""Running queries over a list of articles with the index's full-text engine.

:class:`Search` joins the two halves of a query: the words go to the index
(SQLite FTS5, or a plain scan of the folded text when FTS5 is missing) and the
fields (``tag:``, ``is:``, dates…) are checked on the articles in memory. Used
by the app (in a worker thread, with its own :meth:`Index.reader`) and by the
command line.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

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

RANK_LIMIT = 20_000
"""Up to this many full-text hits are ranked by BM25."""


@dataclass
class Search:
    """Queries over ``articles`` (in list order), whose index ids are ``ids``."""

    index: Index
    articles: Sequence[Article]
    ids: Sequence[int]
    states: Mapping[str, ArticleState]

    def __post_init__(self) -> None:
        self._position = {article_id: i for i, article_id in enumerate(self.ids)}
        self._sort_keys: list[float] | None = None

    def run(self, query: Query) -> list[int]:
        """Positions in ``articles`` of the hits, best first (or newest first)."""
        return evaluate(query, self)

    # -- the Corpus protocol ---------------------------------------------------

    def state(self, position: int) -> ArticleState:
        return self.states.get(self.articles[position].identity, UNTOUCHED)

    def sort_key(self, position: int) -> float:
        if self._sort_keys is None:
            self._sort_keys = [a.sort_key for a in self.articles]
        return self._sort_keys[position]

    def text(self, node: Node) -> dict[int, float]:
        if not self.index.fts:
            return self._scan(node)
        position = self._position
        expression = to_fts(node)
        try:
            if self.index.count_matches(expression) <= RANK_LIMIT:
                pairs = self.index.match(expression)
                return {position[i]: score for i, score in pairs if i in position}
            # Very many hits: BM25 for each would cost more than a keystroke may,
            # so a match in the title or tags comes first and the rest by date.
            found = dict.fromkeys(
                [position[i] for i in self.index.match_ids(expression) if i in position], 0.0
            )
            for i in self.index.match_ids(f"{{title tags}} : ({expression})"):
                at = position.get(i)
                if (
                    at is not None and at in found
                ):  # (a word excluded only from the title may be in the body)
                    found[at] = 1.0
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
