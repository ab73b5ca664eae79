"""The views a reader can pick in the sidebar, and the counts shown beside them.

A view is All, Unread, Bookmarked, one folder of the library (its top-level
subfolders are its sources) or one tag; filtering yields indexes into the
library's article list, so the UI can keep one array of ints per view.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence

from aireader.core.article import Article
from aireader.core.record import Record
from aireader.core.store import UNTOUCHED, ArticleState


class View(Record):
    """What the article list shows: ``kind`` is all, unread, bookmarked, folder, tag or
    saved (a saved search: every article, filtered by the search)."""

    __slots__ = ("kind", "tag")
    kind: str
    tag: str
    """The tag's grouping key, for a tag view; the name, for a saved search or a folder."""

    def __init__(self, kind: str, tag: str = "") -> None:
        object.__setattr__(self, "kind", kind)
        object.__setattr__(self, "tag", tag)

    @property
    def id(self) -> str:
        return f"{self.kind}:{self.tag}" if self.kind in NAMED else self.kind

    @classmethod
    def from_id(cls, view_id: str) -> View:
        for kind in NAMED:
            if view_id.startswith(kind + ":"):
                return cls(kind, view_id[len(kind) + 1 :])
        return cls(view_id)


ALL, UNREAD, BOOKMARKED = View("all"), View("unread"), View("bookmarked")
NAMED = ("tag", "topic", "saved", "folder", "library")
"""The kinds of view that carry a name."""


def folder_of(article: Article) -> str | None:
    """The top-level subfolder of the library the article is in (None: at the top)."""
    head, slash, _ = article.relpath.partition("/")
    return head if slash else None


def matches(article: Article, state: ArticleState, view: View) -> bool:
    if view.kind == "unread":
        return not state.read
    if view.kind == "bookmarked":
        return state.bookmarked
    if view.kind == "tag":
        return view.tag in article.tag_keys
    if view.kind == "topic":
        return view.tag in article.topic_keys
    if view.kind == "folder":
        return folder_of(article) == view.tag
    return True


def filter_view(
    articles: Sequence[Article], states: Mapping[str, ArticleState], view: View
) -> list[int]:
    """Indexes of the articles in ``view``, in library order."""
    if view.kind == "all":
        return list(range(len(articles)))
    return [
        i
        for i, article in enumerate(articles)
        if matches(article, states.get(article.identity, UNTOUCHED), view)
    ]


class Counts(Record):
    """The numbers a person reads at a glance in the status bar and sidebar."""

    __slots__ = (
        "articles",
        "bookmarked",
        "folder_total",
        "folder_unread",
        "tag_total",
        "tag_unread",
        "topic_total",
        "topic_unread",
        "unread",
    )
    articles: int
    unread: int
    bookmarked: int
    tag_total: Mapping[str, int]
    tag_unread: Mapping[str, int]
    folder_total: Mapping[str, int]
    """Articles in each top-level subfolder of the library."""
    folder_unread: Mapping[str, int]
    topic_total: Mapping[str, int]
    """Articles under each derived topic (by its key)."""
    topic_unread: Mapping[str, int]

    def __init__(
        self,
        articles: int,
        unread: int,
        bookmarked: int,
        tag_total: Mapping[str, int],
        tag_unread: Mapping[str, int],
        folder_total: Mapping[str, int],
        folder_unread: Mapping[str, int],
        topic_total: Mapping[str, int],
        topic_unread: Mapping[str, int],
    ) -> None:
        set_ = object.__setattr__
        set_(self, "articles", articles)
        set_(self, "unread", unread)
        set_(self, "bookmarked", bookmarked)
        set_(self, "tag_total", tag_total)
        set_(self, "tag_unread", tag_unread)
        set_(self, "folder_total", folder_total)
        set_(self, "folder_unread", folder_unread)
        set_(self, "topic_total", topic_total)
        set_(self, "topic_unread", topic_unread)


def count(articles: Sequence[Article], states: Mapping[str, ArticleState]) -> Counts:
    unread = bookmarked = 0
    tag_total: Counter[str] = Counter()
    tag_unread: Counter[str] = Counter()
    folder_total: Counter[str] = Counter()
    folder_unread: Counter[str] = Counter()
    topic_total: Counter[str] = Counter()
    topic_unread: Counter[str] = Counter()
    # (Counter.update costs a call even for nothing: called only with something.)
    for article in articles:
        state = states.get(article.identity, UNTOUCHED)
        keys = article.tag_keys
        if keys:
            tag_total.update(keys)
        folder = folder_of(article) if "/" in article.relpath else None
        if folder is not None:
            folder_total[folder] += 1
        topics = article.topic_keys if article.topics else ()
        if topics:
            topic_total.update(topics)
        if not state.read:
            unread += 1
            if keys:
                tag_unread.update(keys)
            if topics:
                topic_unread.update(topics)
            if folder is not None:
                folder_unread[folder] += 1
        if state.bookmarked:
            bookmarked += 1
    return Counts(
        len(articles),
        unread,
        bookmarked,
        tag_total,
        tag_unread,
        folder_total,
        folder_unread,
        topic_total,
        topic_unread,
    )


def plural(n: int, word: str) -> str:
    """``1 article``, ``2 articles``, with thousands separated."""
    return f"{n:,} {word}" + ("" if n == 1 else "s")


def summary_line(counts: Counts, skipped: int) -> str:
    """e.g. ``4 articles · 3 unread · 1 bookmarked · 0 skipped``."""
    return (
        f"{plural(counts.articles, 'article')} · {counts.unread:,} unread · "
        f"{counts.bookmarked:,} bookmarked · {skipped:,} skipped"
    )
