"""Reading positions, and moving the whole store between machines: export, import, backup."""

from __future__ import annotations

import copy
import json
import math
import sqlite3
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from aireader.core.article import Article
from aireader.core.library import load_library
from aireader.core.store import (
    FINISHED,
    SCHEMA_VERSION,
    STARTED,
    ArticleState,
    ImportResult,
    StateFileError,
    Store,
    StoreError,
)
from test_store import fake  # the store tests' article stand-in

WriteArticle = Callable[..., Path]


@pytest.fixture
def other(tmp_path: Path) -> Iterator[Store]:
    """A second store, as on another machine."""
    opened = Store.open(tmp_path / "other" / "state.sqlite3")
    yield opened
    opened.close()


def state_of(store: Store, article: Article) -> ArticleState:
    return store.states([article], follow=False).get(article.identity, ArticleState())


def snapshot(store: Store) -> dict[str, Any]:
    """The export without its time stamp: what must match between two stores."""
    data = store.export_state()
    del data["exported_at"]
    return data


def through_json(data: dict[str, Any]) -> Any:
    """What a file written and read back would hold (strict JSON: no NaN)."""
    return json.loads(json.dumps(data, allow_nan=False))


# ---------------------------------------------------------------------------
# Schema 3


def test_a_version_2_store_gains_positions_and_keeps_its_data(db: Path) -> None:
    db.parent.mkdir(parents=True)
    conn = sqlite3.connect(db)
    conn.executescript(
        """
        CREATE TABLE article_state (
            identity TEXT PRIMARY KEY, path TEXT NOT NULL,
            read INTEGER NOT NULL DEFAULT 0, read_set_at REAL,
            bookmarked INTEGER NOT NULL DEFAULT 0, bookmark_set_at REAL
        );
        CREATE INDEX article_state_path ON article_state(path);
        CREATE TABLE saved_search (
            name TEXT PRIMARY KEY, query TEXT NOT NULL, saved_at REAL NOT NULL
        );
        INSERT INTO article_state VALUES ('x', '/lib/x.md', 1, 5.0, 1, 6.0);
        INSERT INTO article_state VALUES ('y', '/lib/y.md', 0, NULL, 1, 7.0);
        INSERT INTO saved_search VALUES ('Sora', 'sora', 3.0);
        PRAGMA user_version = 2;
        """
    )
    conn.close()

    store = Store.open(db)
    assert store.notice is None
    assert state_of(store, fake("x")) == ArticleState(True, 5.0, True, 6.0, 0.0, None)
    assert state_of(store, fake("y")) == ArticleState(False, None, True, 7.0)
    assert [(s.name, s.query) for s in store.saved_searches()] == [("Sora", "sora")]
    store.set_position(fake("x"), 0.5, when=8.0)
    store.close()

    with sqlite3.connect(db) as conn:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION == 4
        columns = [row[1] for row in conn.execute("PRAGMA table_info(article_state)")]
        assert columns[-3:] == ["position", "position_set_at", "title"]
        assert conn.execute("SELECT position, position_set_at FROM article_state").fetchall() == [
            (0.5, 8.0),
            (0.0, None),
        ]
    conn.close()
    again = Store.open(db)
    assert state_of(again, fake("x")) == ArticleState(True, 5.0, True, 6.0, 0.5, 8.0)
    again.close()


# ---------------------------------------------------------------------------
# Positions


def test_position_round_trip_survives_reopen(db: Path) -> None:
    a = fake("a")
    first = Store.open(db)
    first.set_read([a], True, when=1.0)
    first.set_position(a, 0.25, when=2.0)
    first.close()
    second = Store.open(db)
    assert state_of(second, a) == ArticleState(True, 1.0, False, None, 0.25, 2.0)
    second.set_position(a, 0.75, when=3.0)
    assert state_of(second, a) == ArticleState(True, 1.0, False, None, 0.75, 3.0)
    second.close()


def test_position_alone_makes_a_row_and_defaults_to_now(store: Store) -> None:
    a = fake("a")
    before = datetime.now(UTC).timestamp()
    store.set_position(a, 0.4)
    state = state_of(store, a)
    assert state.position == 0.4
    assert state.position_set_at is not None and state.position_set_at >= before - 1
    assert (state.read, state.bookmarked) == (False, False)


@pytest.mark.parametrize(("given", "kept"), [(-0.5, 0.0), (1.7, 1.0), (0.0, 0.0), (1.0, 1.0)])
def test_position_is_clamped(store: Store, given: float, kept: float) -> None:
    a = fake("a")
    store.set_position(a, given, when=1.0)
    assert state_of(store, a).position == kept


@pytest.mark.parametrize("bad", [math.nan, math.inf, -math.inf])
def test_non_finite_position_is_ignored(store: Store, bad: float) -> None:
    a, b = fake("a"), fake("b")
    store.set_position(a, 0.3, when=1.0)
    store.set_position(a, bad, when=2.0)
    store.set_position(b, bad, when=2.0)
    assert state_of(store, a) == ArticleState(position=0.3, position_set_at=1.0)
    assert store.states([b]) == {}


@pytest.mark.parametrize(
    ("position", "progress"),
    [
        (0.0, None),
        (0.0199, None),
        (STARTED, STARTED),
        (0.5, 0.5),
        (0.9799, 0.9799),
        (FINISHED, None),
        (1.0, None),
    ],
)
def test_progress_only_between_started_and_finished(
    store: Store, position: float, progress: float | None
) -> None:
    assert (STARTED, FINISHED) == (0.02, 0.98)
    assert ArticleState(position=position).progress == progress
    a = fake("a")
    store.set_position(a, position, when=1.0)
    assert state_of(store, a).progress == progress


def _only(library_root: Path) -> Article:
    (article,) = load_library(library_root).articles
    return article


def test_position_follows_renamed_file(
    db: Path, library_dir: Path, write_article: WriteArticle
) -> None:
    path = write_article("original.md", "# Story\n\nSome words of the story.\n")
    store = Store.open(db)
    store.set_position(_only(library_dir), 0.6, when=9.0)
    store.close()

    path.rename(library_dir / "renamed.md")
    store = Store.open(db)
    article = _only(library_dir)
    assert article.relpath == "renamed.md"
    assert store.states([article])[article.identity] == ArticleState(
        position=0.6, position_set_at=9.0
    )
    # The row was moved along: a later position lands on it, and it is exported once.
    store.set_position(article, 0.7, when=10.0)
    records = store.export_state()["articles"]
    assert [(r["path"], r["position"]) for r in records] == [(article.location, 0.7)]
    store.close()


def test_position_follows_file_edited_in_place(
    db: Path, library_dir: Path, write_article: WriteArticle
) -> None:
    write_article("note.md", "# Note\n\nFirst draft.\n")
    store = Store.open(db)
    before = _only(library_dir)
    store.set_position(before, 0.3, when=4.0)
    write_article("note.md", "# Note\n\nSecond draft, rewritten.\n")
    after = _only(library_dir)
    assert after.identity != before.identity
    assert store.states([after])[after.identity].progress == 0.3
    store.close()


# ---------------------------------------------------------------------------
# Export


def _fill(store: Store) -> None:
    store.set_read([fake("b"), fake("c")], True, when=10.0)
    store.set_bookmarked([fake("a")], True, when=11.0)
    store.set_position(fake("c"), 0.5, when=12.0)
    store.set_read([fake("b")], False, when=13.0)
    store.save_search("Sora", "sora -tag:opinion")
    store.save_search("Unread", "is:unread")


def test_export_is_json_ready_and_ordered(store: Store) -> None:
    _fill(store)
    data = store.export_state()
    assert through_json(data) == data
    assert data["format"] == "aireader-state"
    assert data["version"] == 1
    stamp = datetime.fromisoformat(data["exported_at"])
    assert stamp.utcoffset() == timedelta(0)
    assert abs(stamp.timestamp() - datetime.now(UTC).timestamp()) < 60
    assert data["articles"] == [
        {
            "identity": "a",
            "path": "/lib/a.md",
            "read": False,
            "read_set_at": None,
            "bookmarked": True,
            "bookmark_set_at": 11.0,
            "position": 0.0,
            "position_set_at": None,
            "title": "a",  # the title it was last seen with
        },
        {
            "identity": "b",
            "path": "/lib/b.md",
            "read": False,
            "read_set_at": 13.0,
            "bookmarked": False,
            "bookmark_set_at": None,
            "position": 0.0,
            "position_set_at": None,
            "title": "b",
        },
        {
            "identity": "c",
            "path": "/lib/c.md",
            "read": True,
            "read_set_at": 10.0,
            "bookmarked": False,
            "bookmark_set_at": None,
            "position": 0.5,
            "position_set_at": 12.0,
            "title": "c",
        },
    ]
    for record in data["articles"]:
        assert type(record["read"]) is bool and type(record["bookmarked"]) is bool
    searches = data["saved_searches"]
    assert [(s["name"], s["query"]) for s in searches] == [
        ("Sora", "sora -tag:opinion"),
        ("Unread", "is:unread"),
    ]
    assert all(isinstance(s["saved_at"], float) for s in searches)


def test_empty_store_exports_empty_lists(store: Store) -> None:
    data = snapshot(store)
    assert data == {
        "format": "aireader-state",
        "version": 1,
        "articles": [],
        "saved_searches": [],
    }


# ---------------------------------------------------------------------------
# Import, replacing


def test_export_then_replace_into_fresh_store_reproduces_it(store: Store, other: Store) -> None:
    _fill(store)
    data = through_json(store.export_state())
    result = other.import_state(data, merge=False)
    assert result == ImportResult(added=3, updated=0, unchanged=0, searches=2)
    assert snapshot(other) == snapshot(store)
    assert other.saved_searches() == store.saved_searches()
    articles = [fake(x) for x in "abc"]
    assert other.states(articles) == store.states(articles)


def test_replace_deletes_what_the_file_lacks(store: Store, other: Store) -> None:
    store.set_read([fake("keep")], True, when=1.0)
    store.set_position(fake("changed"), 0.2, when=1.0)
    store.save_search("kept", "k")
    file = through_json(store.export_state())

    other.set_read([fake("keep")], True, when=1.0)
    other.set_position(fake("changed"), 0.9, when=5.0)
    other.set_bookmarked([fake("extra")], True, when=2.0)
    other.save_search("extra", "x")
    result = other.import_state(file, merge=False)
    assert result == ImportResult(added=0, updated=1, unchanged=1, searches=1)
    assert snapshot(other) == snapshot(store)
    assert other.states([fake("extra")]) == {}
    assert [s.name for s in other.saved_searches()] == ["kept"]


def test_replace_uses_the_files_paths(store: Store, other: Store) -> None:
    store.set_read([fake("a", "/mine/a.md")], True, when=1.0)
    other.set_read([fake("a", "/theirs/a.md")], True, when=1.0)
    result = store.import_state(through_json(other.export_state()), merge=False)
    assert result == ImportResult(added=0, updated=1, unchanged=0, searches=0)
    assert store.export_state()["articles"][0]["path"] == "/theirs/a.md"


# ---------------------------------------------------------------------------
# Import, merging


def _conflicting(a: Store, b: Store) -> None:
    x, y = fake("x"), fake("y")
    a.set_read([x], True, when=10.0)
    b.set_read([x], False, when=20.0)  # B's unread is newer
    b.set_bookmarked([x], False, when=5.0)
    a.set_bookmarked([x], True, when=30.0)  # A's bookmark is newer
    a.set_position(x, 0.9, when=40.0)
    b.set_position(x, 0.3, when=35.0)  # A's position is newer
    a.set_position(y, 0.1, when=50.0)
    b.set_position(y, 0.6, when=60.0)  # B's position is newer
    b.set_read([y], True, when=61.0)  # only B ever touched y's read mark
    a.set_read([fake("only-a")], True, when=1.0)
    b.set_bookmarked([fake("only-b")], True, when=2.0)


MERGED = {
    "x": ArticleState(False, 20.0, True, 30.0, 0.9, 40.0),
    "y": ArticleState(True, 61.0, False, None, 0.6, 60.0),
    "only-a": ArticleState(True, 1.0),
    "only-b": ArticleState(False, None, True, 2.0),
}


def test_merge_both_ways_newest_change_wins(store: Store, other: Store) -> None:
    _conflicting(store, other)
    file_a = through_json(store.export_state())
    file_b = through_json(other.export_state())
    articles = [fake(i) for i in MERGED]

    into_a = store.import_state(file_b, merge=True)
    assert into_a == ImportResult(added=1, updated=2, unchanged=0, searches=0)
    into_b = other.import_state(file_a, merge=True)
    # B already has the newest of everything about y; only x takes A's bookmark and position.
    assert into_b == ImportResult(added=1, updated=1, unchanged=1, searches=0)

    assert store.states(articles, follow=False) == MERGED
    assert other.states(articles, follow=False) == MERGED
    assert snapshot(store) == snapshot(other)


def test_merging_the_same_file_twice_changes_nothing_the_second_time(
    store: Store, other: Store
) -> None:
    _conflicting(store, other)
    other.save_search("s", "q")
    file_b = through_json(other.export_state())
    first = store.import_state(file_b, merge=True)
    assert first.added + first.updated > 0
    after_first = snapshot(store)
    second = store.import_state(file_b, merge=True)
    assert second == ImportResult(added=0, updated=0, unchanged=3, searches=0)
    assert snapshot(store) == after_first
    # And merging back what the store now holds is also a no-op.
    again = store.import_state(through_json(store.export_state()), merge=True)
    assert again == ImportResult(added=0, updated=0, unchanged=4, searches=0)


def test_merge_keeps_the_stores_path_and_takes_the_files_for_new_rows(
    store: Store, other: Store
) -> None:
    store.set_read([fake("a", "/mine/a.md")], False, when=1.0)
    other.set_read([fake("a", "/theirs/a.md")], True, when=2.0)
    other.set_read([fake("b", "/theirs/b.md")], True, when=2.0)
    result = store.import_state(through_json(other.export_state()), merge=True)
    assert result == ImportResult(added=1, updated=1, unchanged=0, searches=0)
    paths = {r["identity"]: (r["path"], r["read"]) for r in store.export_state()["articles"]}
    assert paths == {"a": ("/mine/a.md", True), "b": ("/theirs/b.md", True)}


def test_merge_ties_and_missing_times_keep_the_stores_value(store: Store) -> None:
    store.set_read([fake("a")], True, when=10.0)
    store.set_bookmarked([fake("a")], True, when=10.0)
    file = through_json(store.export_state())
    record = file["articles"][0]
    record.update(read=False, bookmarked=False, position=0.5)  # same times, no position time
    del record["position_set_at"]
    result = store.import_state(file, merge=True)
    assert result == ImportResult(added=0, updated=0, unchanged=1, searches=0)
    assert state_of(store, fake("a")) == ArticleState(True, 10.0, True, 10.0)

    # A time in the file beats no time in the store.
    record.update(position_set_at=1.0)
    result = store.import_state(file, merge=True)
    assert result == ImportResult(added=0, updated=1, unchanged=0, searches=0)
    assert state_of(store, fake("a")) == ArticleState(True, 10.0, True, 10.0, 0.5, 1.0)


def test_saved_searches_merge_by_name_newest_wins(store: Store) -> None:
    store.save_search("mine", "m")
    store.save_search("both", "old")
    store.save_search("stale", "store-newer")
    saved = {s["name"]: s["saved_at"] for s in store.export_state()["saved_searches"]}
    file = {
        "format": "aireader-state",
        "version": 1,
        "articles": [],
        "saved_searches": [
            {"name": "both", "query": "new", "saved_at": saved["both"] + 100},
            {"name": "stale", "query": "file-older", "saved_at": saved["stale"] - 100},
            {"name": "mine", "query": "m", "saved_at": saved["mine"]},
            {"name": "theirs", "query": "t", "saved_at": 5.0},
        ],
    }
    result = store.import_state(file, merge=True)
    assert result == ImportResult(added=0, updated=0, unchanged=0, searches=2)
    assert {s.name: s.query for s in store.saved_searches()} == {
        "mine": "m",
        "both": "new",
        "stale": "store-newer",
        "theirs": "t",
    }
    assert store.saved_searches()[0].name == "theirs"  # its saved_at came along
    assert store.import_state(file, merge=True).searches == 0


# ---------------------------------------------------------------------------
# Invalid files


def _valid() -> dict[str, Any]:
    return {
        "format": "aireader-state",
        "version": 1,
        "exported_at": "2024-01-01T00:00:00+00:00",
        "articles": [
            {
                "identity": f"new{i}",
                "path": f"/lib/new{i}.md",
                "read": True,
                "read_set_at": 100.0,
                "bookmarked": False,
                "bookmark_set_at": None,
                "position": 0.5,
                "position_set_at": 100,
            }
            for i in range(4)
        ],
        "saved_searches": [{"name": "new", "query": "q", "saved_at": 100.0}],
    }


def _break(path: str, value: Any) -> Callable[[dict[str, Any]], Any]:
    """Set (or with ``...`` delete) one thing in a valid file, by a dotted path."""

    def edit(data: dict[str, Any]) -> Any:
        *parents, last = path.split(".")
        node: Any = data
        for part in parents:
            node = node[int(part)] if part.isdigit() else node[part]
        key: Any = int(last) if last.isdigit() else last
        if value is ...:
            del node[key]
        else:
            node[key] = value
        return data

    return edit


INVALID: list[tuple[str, Callable[[dict[str, Any]], Any], str]] = [
    ("list", lambda d: [d], "not an aireader state file"),
    ("none", lambda d: None, "not an aireader state file"),
    ("other format", _break("format", "something-else"), "not an aireader state file"),
    ("no format", _break("format", ...), "not an aireader state file"),
    ("newer", _break("version", 7), r"version 7 is newer than this aireader understands"),
    ("version text", _break("version", "1"), "'version' must be a whole number"),
    ("version bool", _break("version", True), "'version' must be a whole number"),
    ("version 0", _break("version", 0), "version 0"),
    ("no articles", _break("articles", ...), "'articles' must be a list"),
    ("searches dict", _break("saved_searches", {}), "'saved_searches' must be a list"),
    ("record not dict", _break("articles.3", "x"), r"articles\[3\] must be an object"),
    ("read not bool", _break("articles.3.read", 1), r"articles\[3\]: 'read' must be true or false"),
    ("read missing", _break("articles.3.read", ...), r"articles\[3\]: 'read' is missing"),
    ("bookmarked null", _break("articles.3.bookmarked", None), "'bookmarked' must be true or"),
    ("identity empty", _break("articles.3.identity", ""), "'identity' must be a non-empty"),
    ("identity number", _break("articles.3.identity", 5), "'identity' must be a non-empty"),
    ("identity twice", _break("articles.3.identity", "new1"), r"articles\[3\].*articles\[1\]"),
    ("path missing", _break("articles.3.path", ...), "'path' is missing"),
    ("path number", _break("articles.3.path", 3), "'path' must be a string"),
    ("position high", _break("articles.3.position", 1.5), "'position' must be a number from 0"),
    ("position low", _break("articles.3.position", -0.1), "'position' must be a number from 0"),
    ("position nan", _break("articles.3.position", math.nan), "'position' must be a number"),
    ("position text", _break("articles.3.position", "0.5"), "'position' must be a number"),
    ("position bool", _break("articles.3.position", True), "'position' must be a number"),
    ("time text", _break("articles.3.read_set_at", "now"), "'read_set_at' must be a time"),
    ("time inf", _break("articles.3.position_set_at", math.inf), "'position_set_at' must be"),
    ("time huge", _break("articles.3.bookmark_set_at", 10**400), "'bookmark_set_at' must be"),
    ("search no name", _break("saved_searches.0.name", ...), "'name' is missing"),
    ("search query", _break("saved_searches.0.query", None), "'query' must be a string"),
    ("search time", _break("saved_searches.0.saved_at", None), "'saved_at' must be a time"),
]


@pytest.mark.parametrize("merge", [True, False], ids=["merge", "replace"])
@pytest.mark.parametrize(("make", "message"), [i[1:] for i in INVALID], ids=[i[0] for i in INVALID])
def test_invalid_file_is_refused_and_writes_nothing(
    store: Store, make: Callable[[dict[str, Any]], Any], message: str, merge: bool
) -> None:
    _fill(store)
    before = snapshot(store)
    with pytest.raises(StateFileError, match=message) as caught:
        store.import_state(make(_valid()), merge=merge)
    assert "\n" not in str(caught.value)
    assert snapshot(store) == before


def test_the_valid_file_used_above_is_valid(store: Store) -> None:
    """The invalid ones differ from it by one thing only."""
    assert store.import_state(_valid(), merge=True) == ImportResult(4, 0, 0, 1)


def test_bad_last_record_after_good_ones_writes_nothing(store: Store) -> None:
    store.set_read([fake("new0")], False, when=1.0)
    before = snapshot(store)
    data = _valid()
    data["articles"].append(copy.deepcopy(data["articles"][0]) | {"identity": "late"})
    data["articles"][-1]["read"] = "yes"
    for merge in (True, False):
        with pytest.raises(StateFileError, match=r"articles\[4\]: 'read' must be true or false"):
            store.import_state(data, merge=merge)
        assert snapshot(store) == before


def test_state_file_error_is_a_value_error() -> None:
    assert issubclass(StateFileError, ValueError)
    assert not issubclass(StateFileError, StoreError)


def test_extra_keys_are_ignored_and_missing_times_are_null(store: Store) -> None:
    data = _valid()
    data["note"] = "from my laptop"
    record = data["articles"][0]
    record["colour"] = "red"
    del record["read_set_at"], record["bookmark_set_at"], record["position_set_at"]
    del data["exported_at"]
    store.import_state(data, merge=False)
    assert state_of(store, fake("new0")) == ArticleState(True, None, False, None, 0.5, None)


# ---------------------------------------------------------------------------
# Backup


def test_backup_opens_with_the_same_states(store: Store, tmp_path: Path) -> None:
    _fill(store)
    articles = [fake(x) for x in "abc"]
    expected_states, expected = store.states(articles), snapshot(store)
    target = tmp_path / "backups" / "state-before-import.sqlite3"
    store.backup(target)
    store.set_read([fake("a")], True, when=99.0)  # later changes are not in the copy
    copy_ = Store.open(target)
    try:
        assert copy_.notice is None
        assert copy_.states(articles) == expected_states
        assert expected_states["c"] == ArticleState(True, 10.0, False, None, 0.5, 12.0)
        assert snapshot(copy_) == expected
        assert copy_.saved_searches() == store.saved_searches()
    finally:
        copy_.close()
    assert [p.name for p in target.parent.iterdir() if p.name.startswith(".")] == []


def test_backup_replaces_an_older_backup(store: Store, tmp_path: Path) -> None:
    target = tmp_path / "backup.sqlite3"
    store.set_read([fake("a")], True, when=1.0)
    store.backup(target)
    store.set_read([fake("b")], True, when=2.0)
    store.backup(target)
    copy_ = Store.open(target)
    assert snapshot(copy_) == snapshot(store)
    copy_.close()


def test_backup_before_replacing_keeps_what_was_there(store: Store, tmp_path: Path) -> None:
    _fill(store)
    before = snapshot(store)
    target = tmp_path / "before.sqlite3"
    store.backup(target)
    store.import_state(_valid(), merge=False)
    assert snapshot(store) != before
    copy_ = Store.open(target)
    assert snapshot(copy_) == before
    copy_.close()


def test_backup_of_a_memory_store(tmp_path: Path) -> None:
    folder = tmp_path / "in-the-way"
    folder.mkdir()
    memory = Store.open(folder)  # a folder where the file should be: memory only
    assert memory.path is None
    memory.set_position(fake("a"), 0.4, when=3.0)
    target = tmp_path / "mem.sqlite3"
    memory.backup(target)
    copy_ = Store.open(target)
    assert copy_.notice is None
    assert state_of(copy_, fake("a")) == ArticleState(position=0.4, position_set_at=3.0)
    copy_.close()
    memory.close()


def test_backup_failure_is_a_store_error(store: Store, tmp_path: Path) -> None:
    target = tmp_path / "a-folder"
    (target / "inside").mkdir(parents=True)
    with pytest.raises(StoreError, match="could not back up the state to"):
        store.backup(target)
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []
    assert (target / "inside").is_dir()


# ---------------------------------------------------------------------------
# Schema 4: the title each article was last seen with (bookmarks of every folder)


def test_a_version_3_store_gains_titles_filled_in_when_its_articles_are_seen(db: Path) -> None:
    db.parent.mkdir(parents=True)
    conn = sqlite3.connect(db)
    conn.executescript(
        """
        CREATE TABLE article_state (
            identity TEXT PRIMARY KEY, path TEXT NOT NULL,
            read INTEGER NOT NULL DEFAULT 0, read_set_at REAL,
            bookmarked INTEGER NOT NULL DEFAULT 0, bookmark_set_at REAL,
            position REAL NOT NULL DEFAULT 0, position_set_at REAL
        );
        CREATE INDEX article_state_path ON article_state(path);
        CREATE TABLE saved_search (
            name TEXT PRIMARY KEY, query TEXT NOT NULL, saved_at REAL NOT NULL
        );
        INSERT INTO article_state VALUES ('x', '/lib/x.md', 1, 5.0, 1, 6.0, 0.5, 7.0);
        INSERT INTO article_state VALUES ('y', '/lib/y.md', 0, NULL, 1, 8.0, 0, NULL);
        PRAGMA user_version = 3;
        """
    )
    conn.close()
    store = Store.open(db)
    assert [(k.identity, k.title) for k in store.bookmarked()] == [("y", None), ("x", None)]
    assert state_of(store, fake("x")) == ArticleState(True, 5.0, True, 6.0, 0.5, 7.0)
    store.states([fake("x")])  # x is seen (with the title "x")
    (y, x) = store.bookmarked()  # the latest bookmarked first
    assert (x.identity, x.path, x.title, x.state.read) == ("x", "/lib/x.md", "x", True)
    assert (y.title, y.state.bookmark_set_at) == (None, 8.0)
    store.close()


def test_the_last_title_and_path_are_kept_and_travel_with_the_state(
    store: Store, other: Store
) -> None:
    store.set_bookmarked([fake("a")], True, when=1.0)
    retitled = fake("a").replace(title="A, retitled", location="/elsewhere/a.md")
    store.states([retitled])  # seen moved and retitled
    (known,) = store.bookmarked()
    assert (known.path, known.title) == ("/elsewhere/a.md", "A, retitled")
    other.import_state(through_json(store.export_state()), merge=True)
    assert [(k.path, k.title) for k in other.bookmarked()] == [("/elsewhere/a.md", "A, retitled")]
    older = through_json(store.export_state())
    for record in older["articles"]:
        del record["title"]  # a file written before titles were kept
    other.import_state(older, merge=False)
    assert [k.title for k in other.bookmarked()] == [None]
    bad = copy.deepcopy(older)
    bad["articles"][0]["title"] = 7
    with pytest.raises(StateFileError, match="'title' must be a string or null"):
        other.import_state(bad, merge=True)
