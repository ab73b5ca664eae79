"""The loaded library with its read-state: what the UI shows, kept consistent.

A :class:`Shelf` holds the articles (newest first), their read and bookmark
state, the tag groups and the counts. Read or bookmark changes update the
counts incrementally, so a keypress costs the same with 4 articles or 100,000.
Pure data: it never touches the disk.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from aireader.core.article import Article, Skipped
from aireader.core.library import Library, TagGroup
from aireader.core.store import UNTOUCHED, ArticleState
from aireader.core.views import Counts, View, count, filter_view, folder_of

LANG_SAMPLE = 2_000
"""Articles (the newest) looked at for the library's usual language."""


class Shelf:
    """Articles, their state, tag groups and counts, for one library folder."""

    def __init__(
        self,
        root: Path,
        articles: list[Article] | None = None,
        skipped: list[Skipped] | None = None,
        states: dict[str, ArticleState] | None = None,
        ids: list[int] | None = None,
    ) -> None:
        self.root = root
        self.articles = articles if articles is not None else []
        self.skipped = skipped if skipped is not None else []
        self.states = states if states is not None else {}
        self.ids = ids if ids is not None else []
        """Each article's id in the index (for full-text search), when it came from one."""
        library = Library(self.root, self.articles, [])
        self.groups: list[TagGroup] = library.tag_groups()
        self.topic_groups: list[TagGroup] = library.topic_groups()
        langs = Counter(a.lang for a in self.articles[:LANG_SAMPLE] if a.lang)
        self.usual_lang = langs.most_common(1)[0][0] if langs else None
        """The language most articles are in (the list names the others')."""
        # Identical copies share one identity, hence one state: count them together.
        by_identity: dict[str, list[Article]] = {}
        for article in self.articles:
            by_identity.setdefault(article.identity, []).append(article)
        self._copies = {k: v for k, v in by_identity.items() if len(v) > 1}
        self._recount()

    def _recount(self) -> None:
        """Count from scratch (on load); changes afterwards adjust the counts."""
        counts = count(self.articles, self.states)
        self._unread, self._bookmarked = counts.unread, counts.bookmarked
        self._tag_total: Counter[str] = Counter(counts.tag_total)
        self._tag_unread: Counter[str] = Counter(counts.tag_unread)
        self._folder_total: Counter[str] = Counter(counts.folder_total)
        self._folder_unread: Counter[str] = Counter(counts.folder_unread)
        self._topic_total: Counter[str] = Counter(counts.topic_total)
        self._topic_unread: Counter[str] = Counter(counts.topic_unread)

    # -- reading -------------------------------------------------------------

    def state(self, article: Article) -> ArticleState:
        return self.states.get(article.identity, UNTOUCHED)

    @property
    def counts(self) -> Counts:
        return Counts(
            len(self.articles),
            self._unread,
            self._bookmarked,
            self._tag_total,
            self._tag_unread,
            self._folder_total,
            self._folder_unread,
            self._topic_total,
            self._topic_unread,
        )

    def rows(self, view: View) -> list[int]:
        """Indexes of the articles in ``view``, newest first."""
        return filter_view(self.articles, self.states, view)

    def tag_name(self, key: str) -> str:
        return next((g.name for g in self.groups if g.key == key), key)

    def topic_name(self, key: str) -> str:
        return next((g.name for g in self.topic_groups if g.key == key), key)

    # -- changing ------------------------------------------------------------

    def set_read(self, articles: Iterable[Article], read: bool, when: float) -> list[Article]:
        """Mark articles read or unread; returns those whose state changed."""
        return self._set(articles, "read", read, when)

    def set_bookmarked(
        self, articles: Iterable[Article], bookmarked: bool, when: float
    ) -> list[Article]:
        """Bookmark or un-bookmark articles; returns those whose state changed."""
        return self._set(articles, "bookmarked", bookmarked, when)

    def _set(
        self, articles: Iterable[Article], flag: str, value: bool, when: float
    ) -> list[Article]:
        stamp = {"read": "read_set_at", "bookmarked": "bookmark_set_at"}[flag]
        changed: list[Article] = []
        for article in articles:
            state = self.state(article)
            if getattr(state, flag) == value:
                continue
            self._count(article, state, -1)
            changes: dict[str, Any] = {flag: value, stamp: when}
            state = state.replace(**changes)
            self._count(article, state, +1)
            self.states[article.identity] = state
            changed.append(article)
        return changed

    def set_position(self, article: Article, position: float, when: float) -> None:
        """Remember how far into ``article`` the reader is (no count depends on it)."""
        state = self.state(article).replace(position=position, position_set_at=when)
        self.states[article.identity] = state

    def replace_states(self, states: dict[str, ArticleState]) -> None:
        """Take a fresh copy of the state (another instance may have changed it)."""
        self.states = states
        self._recount()

    def _count(self, article: Article, state: ArticleState, sign: int) -> None:
        for copy in self._copies.get(article.identity, (article,)):
            if not state.read:
                self._unread += sign
                for key in copy.tag_keys:
                    self._tag_unread[key] += sign
                if (folder := folder_of(copy)) is not None:
                    self._folder_unread[folder] += sign
                if copy.topics:
                    for key in copy.topic_keys:
                        self._topic_unread[key] += sign
            if state.bookmarked:
                self._bookmarked += sign
