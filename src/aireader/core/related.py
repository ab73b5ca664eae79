"""Related articles: the library's best matches for an article's tags and key terms.

One full-text query (any of the terms, a tag or topic weighing as its words do
in the tags column) ranked by BM25 with the index's column weights, the article
itself left out. Without FTS5 the same query runs through :class:`Search`
(the plain scan), ranked the same way when the hits are few enough.
"""

from __future__ import annotations

from collections.abc import Sequence

from aireader.core.article import Article
from aireader.core.query import Or, Query, Text, to_fts
from aireader.core.search import Search
from aireader.core.words import WEIGHTS, query_tokens

TERMS = 8
"""At most this many terms go into the query: the article's strongest."""


def article_terms(article: Article) -> list[str]:
    """What an article is about, for finding its relatives: its tags and topics, else
    the longer words of its title."""
    return [*article.tags, *article.topics] or [w for w in article.title.split() if len(w) > 3]


def terms_query(terms: Sequence[str]) -> Or | None:
    """Any of ``terms`` (each a word or a phrase), as a query tree; None when none
    of them has a searchable word."""
    leaves: list[Text] = []
    seen: set[tuple[tuple[str, bool], ...]] = set()
    for term in terms[:TERMS]:
        tokens = tuple((token, False) for token, _prefix in query_tokens(term))
        if tokens and tokens not in seen:
            seen.add(tokens)
            leaves.append(Text(tokens))
    return Or(tuple(leaves)) if leaves else None


def related(article: Article, search: Search, terms: Sequence[str], limit: int = 5) -> list[int]:
    """Positions (in ``search.articles``) of the articles most related to ``article``,
    best first: those sharing most of ``terms`` (its tags, topics or key terms),
    weighted as the index weighs titles, tags and text. Copies of the article
    itself (same content) are left out."""
    node = terms_query(terms)
    if node is None:
        return []
    index = search.index
    if not index.fts:
        hits = search.run(Query("", node))
        return [p for p in hits if search.articles[p].identity != article.identity][:limit]
    weights = ", ".join(str(float(w)) for w in WEIGHTS)
    expression = to_fts(node)
    scored: list[tuple[float, int]] = []
    for db in index.text_tables():
        # "rank MATCH" sets the weights for this query: the best few come without
        # scoring and sorting every hit.
        rows = index.query(
            f"SELECT rowid, rank FROM {db}.article_text WHERE article_text MATCH ? "
            "AND rank MATCH ? ORDER BY rank LIMIT ?",
            (expression, f"bm25({weights})", limit * 4 + 10),  # room for itself, dead rows
        )
        scored.extend(
            (score, rowid)
            for rowid, score in rows
            if isinstance(score, float) and isinstance(rowid, int)
        )
    out: list[int] = []
    for _score, rowid in sorted(scored):  # bm25(): lower is better
        position = search.position(rowid)
        if position is None or search.articles[position].identity == article.identity:
            continue
        if position not in out:
            out.append(position)
        if len(out) == limit:
            break
    return out
