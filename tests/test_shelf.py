"""The shelf keeps counts right as state changes, without recounting."""

from __future__ import annotations

from pathlib import Path

from aireader.core.article import Article, Format
from aireader.core.shelf import Shelf
from aireader.core.store import ArticleState
from aireader.core.views import ALL, BOOKMARKED, UNREAD, View, count


def art(name: str, tags: tuple[str, ...] = (), identity: str | None = None) -> Article:
    return Article(
        f"/lib/{name}.md", f"{name}.md", name, "", Format.MARKDOWN, identity or name,
        tags=tags,
    )  # fmt: skip


def recount(shelf: Shelf) -> tuple[int, int, dict[str, int]]:
    fresh = count(shelf.articles, shelf.states)
    return fresh.unread, fresh.bookmarked, {k: v for k, v in fresh.tag_unread.items() if v}


def counted(shelf: Shelf) -> tuple[int, int, dict[str, int]]:
    c = shelf.counts
    return c.unread, c.bookmarked, {k: v for k, v in c.tag_unread.items() if v}


def test_counts_follow_every_change() -> None:
    a, b, c = art("a", ("Sora AI",)), art("b", ("sora-ai", "china")), art("c")
    shelf = Shelf(Path("/lib"), [a, b, c], [], {"c": ArticleState(read=True)})
    assert counted(shelf) == (2, 0, {"sora-ai": 2, "china": 1})
    assert shelf.set_read([a], True, 1.0) == [a]
    assert shelf.set_read([a], True, 2.0) == []  # no change, no recount
    shelf.set_bookmarked([b, c], True, 3.0)
    assert counted(shelf) == recount(shelf) == (1, 2, {"sora-ai": 1, "china": 1})
    shelf.set_read([a, b, c], False, 4.0)
    assert counted(shelf) == recount(shelf) == (3, 2, {"sora-ai": 2, "china": 1})
    assert shelf.state(a).read_set_at == 4.0


def test_views_select_the_right_rows() -> None:
    a, b, c = art("a", ("x",)), art("b"), art("c", ("X",))
    shelf = Shelf(Path("/lib"), [a, b, c], [], {"b": ArticleState(read=True, bookmarked=True)})
    assert shelf.rows(ALL) == [0, 1, 2]
    assert shelf.rows(UNREAD) == [0, 2]
    assert shelf.rows(BOOKMARKED) == [1]
    assert shelf.rows(View("tag", "x")) == [0, 2]
    assert [g.name for g in shelf.groups] == ["x"]


def test_identical_copies_share_state_and_are_counted_together() -> None:
    one, two = art("one", ("t",), identity="same"), art("two", ("t",), identity="same")
    shelf = Shelf(Path("/lib"), [one, two], [], {})
    shelf.set_read([one], True, 1.0)
    assert shelf.state(two).read
    assert counted(shelf) == recount(shelf) == (0, 0, {})


def test_replacing_states_recounts() -> None:
    a, b = art("a", ("t",)), art("b")
    shelf = Shelf(Path("/lib"), [a, b], [], {})
    shelf.replace_states({"a": ArticleState(read=True), "b": ArticleState(bookmarked=True)})
    assert counted(shelf) == recount(shelf) == (1, 1, {})


def test_folder_counts_and_views_follow_changes() -> None:
    def at(relpath: str) -> Article:
        return Article(f"/lib/{relpath}", relpath, relpath, "", Format.MARKDOWN, relpath)

    top, news1, news2, deep = at("top.md"), at("news/a.md"), at("news/b.md"), at("notes/x/y.md")
    shelf = Shelf(Path("/lib"), [top, news1, news2, deep])
    assert dict(shelf.counts.folder_total) == {"news": 2, "notes": 1}
    assert dict(shelf.counts.folder_unread) == {"news": 2, "notes": 1}

    def relpaths(view: View) -> list[str]:
        return [shelf.articles[i].relpath for i in shelf.rows(view)]

    assert relpaths(View("folder", "news")) == ["news/a.md", "news/b.md"]
    assert relpaths(View("folder", "notes")) == ["notes/x/y.md"]
    shelf.set_read([news1, deep, top], True, 1.0)
    assert {k: v for k, v in shelf.counts.folder_unread.items() if v} == {"news": 1}
    fresh = count(shelf.articles, shelf.states)
    assert {k: v for k, v in fresh.folder_unread.items() if v} == {"news": 1}
    assert View.from_id(View("folder", "news").id) == View("folder", "news")
