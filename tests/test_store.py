"""The read-state and bookmark store: durability, identity, concurrency, repair."""

from __future__ import annotations

import os
import random
import re
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

import pytest

import aireader
from aireader.core.article import Article, Format
from aireader.core.library import load_library
from aireader.core.store import SCHEMA_VERSION, ArticleState, Store, StoreError

SRC = Path(aireader.__file__).resolve().parents[1]
WriteArticle = Callable[..., Path]


def fake(identity: str, path: str | None = None) -> Article:
    """An article as the store sees it: only identity and path matter."""
    return Article(
        location=path or f"/lib/{identity}.md",
        relpath=f"{identity}.md",
        title=identity,
        body="body",
        format=Format.MARKDOWN,
        identity=identity,
    )


def state_of(store: Store, article: Article) -> ArticleState:
    return store.states([article]).get(article.identity, ArticleState())


# ---------------------------------------------------------------------------
# Basics


def test_fresh_store_has_schema_version(db: Path, store: Store) -> None:
    assert store.notice is None
    assert store.path == db
    assert db.is_file()
    with sqlite3.connect(db) as conn:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION >= 1
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_untouched_articles_have_no_state(store: Store) -> None:
    assert store.states([fake("a"), fake("b")]) == {}


def test_set_and_clear_read_with_time(store: Store) -> None:
    a = fake("a")
    store.set_read([a], True, when=1000.0)
    assert state_of(store, a) == ArticleState(read=True, read_set_at=1000.0)
    store.set_read([a], False, when=2000.0)
    assert state_of(store, a) == ArticleState(read=False, read_set_at=2000.0)


def test_set_and_clear_bookmark_with_time(store: Store) -> None:
    a = fake("a")
    store.set_bookmarked([a], True, when=1500.0)
    assert state_of(store, a) == ArticleState(bookmarked=True, bookmark_set_at=1500.0)
    store.set_bookmarked([a], False, when=2500.0)
    assert state_of(store, a) == ArticleState(bookmarked=False, bookmark_set_at=2500.0)


def test_read_and_bookmark_are_independent(store: Store) -> None:
    a = fake("a")
    store.set_bookmarked([a], True, when=10.0)
    store.set_read([a], True, when=20.0)
    store.set_read([a], False, when=30.0)
    assert state_of(store, a) == ArticleState(
        read=False, read_set_at=30.0, bookmarked=True, bookmark_set_at=10.0
    )


def test_default_time_is_now(store: Store) -> None:
    a = fake("a")
    before = time.time()
    store.set_read([a], True)
    after = time.time()
    stamp = state_of(store, a).read_set_at
    assert stamp is not None
    assert before <= stamp <= after


def test_many_articles_in_one_action(store: Store) -> None:
    articles = [fake(f"n{i}") for i in range(50)]
    store.set_read(articles, True, when=5.0)
    states = store.states(articles)
    assert len(states) == 50
    assert all(s.read for s in states.values())
    store.set_read([], True)  # nothing to do is not an error


@pytest.mark.parametrize(
    ("action", "expected"),
    [
        (lambda s, a: s.set_read([a], True, when=1.0), ArticleState(True, 1.0)),
        (lambda s, a: s.set_bookmarked([a], True, when=2.0), ArticleState(False, None, True, 2.0)),
        (
            lambda s, a: (s.set_read([a], True, when=1.0), s.set_read([a], False, when=3.0)),
            ArticleState(False, 3.0),
        ),
        (
            lambda s, a: (
                s.set_bookmarked([a], True, when=1.0),
                s.set_bookmarked([a], False, when=4.0),
            ),
            ArticleState(False, None, False, 4.0),
        ),
    ],
    ids=["read", "bookmark", "unread", "unbookmark"],
)
def test_each_action_survives_reopen(
    db: Path, action: Callable[[Store, Article], object], expected: ArticleState
) -> None:
    a = fake("durable")
    first = Store.open(db)
    action(first, a)
    first.close()
    second = Store.open(db)
    try:
        assert second.notice is None
        assert state_of(second, a) == expected
    finally:
        second.close()


# ---------------------------------------------------------------------------
# Identity follows the article, going through the library like the app does


def _only(library_root: Path) -> Article:
    (article,) = load_library(library_root).articles
    return article


def test_state_follows_renamed_and_moved_file(
    db: Path, library_dir: Path, write_article: WriteArticle
) -> None:
    path = write_article("original.md", "# Story\n\nSome words of the story.\n")
    store = Store.open(db)
    store.set_read([_only(library_dir)], True, when=7.0)
    store.set_bookmarked([_only(library_dir)], True, when=8.0)
    store.close()

    moved = library_dir / "2024" / "renamed.md"
    moved.parent.mkdir()
    path.rename(moved)
    store = Store.open(db)
    article = _only(library_dir)
    assert article.relpath == "2024/renamed.md"
    assert store.states([article])[article.identity] == ArticleState(True, 7.0, True, 8.0)
    store.close()

    # And again, from the new place: the stored path was brought up to date.
    moved.rename(library_dir / "again.md")
    store = Store.open(db)
    article = _only(library_dir)
    assert store.states([article])[article.identity].read is True
    store.close()


def test_state_follows_file_edited_in_place(
    db: Path, library_dir: Path, write_article: WriteArticle
) -> None:
    write_article("note.md", "# Note\n\nFirst draft.\n")
    store = Store.open(db)
    before = _only(library_dir)
    store.set_bookmarked([before], True, when=3.0)
    store.close()

    write_article("note.md", "# Note\n\nSecond draft, rewritten.\n")
    store = Store.open(db)
    after = _only(library_dir)
    assert after.identity != before.identity
    assert store.states([after])[after.identity].bookmarked is True
    store.close()

    # A second edit still finds it, and a later action lands on the same row.
    write_article("note.md", "# Note\n\nThird draft.\n")
    store = Store.open(db)
    third = _only(library_dir)
    assert store.states([third])[third.identity].bookmarked is True
    store.set_read([third], True, when=4.0)
    assert store.states([third])[third.identity] == ArticleState(True, 4.0, True, 3.0)
    store.close()


def test_new_file_at_old_name_does_not_inherit_state(
    db: Path, library_dir: Path, write_article: WriteArticle
) -> None:
    path = write_article("a.md", "# First\n\nThe first article.\n")
    store = Store.open(db)
    store.set_read([_only(library_dir)], True)
    path.rename(library_dir / "b.md")
    write_article("a.md", "# Other\n\nA different article now lives here.\n")
    states = store.states(load_library(library_dir).articles)
    by_rel = {a.relpath: states.get(a.identity) for a in load_library(library_dir).articles}
    store.close()
    assert by_rel["b.md"] is not None and by_rel["b.md"].read is True
    assert by_rel["a.md"] is None


def test_two_copies_share_state(
    library_dir: Path, write_article: WriteArticle, store: Store
) -> None:
    write_article("one.md", "# Same\n\nIdentical text.\n")
    write_article("copy/one.md", "# Same\n\nIdentical text.\n")
    articles = load_library(library_dir).articles
    store.set_read(articles[:1], True)
    states = store.states(articles)
    assert all(states[a.identity].read for a in articles)


# ---------------------------------------------------------------------------
# Concurrency

WRITER = """
import sys, time
from pathlib import Path
from aireader.core.article import Article, Format
from aireader.core.store import Store

db, prefix, mode = Path(sys.argv[1]), sys.argv[2], sys.argv[3]
seconds, pause, count = float(sys.argv[4]), float(sys.argv[5]), int(sys.argv[6])
store = Store.open(db)
end = time.monotonic() + seconds
i = 0
while time.monotonic() < end and i < count:
    own = Article(f"/lib/{prefix}-{i}.md", "x.md", "t", "b", Format.TEXT, f"{prefix}-{i}")
    shared = Article(f"/lib/shared-{i}.md", "x.md", "t", "b", Format.TEXT, f"shared-{i}")
    if mode == "read":
        store.set_read([own], True)
        store.set_read([shared], True)
    else:
        store.set_bookmarked([own], True)
        store.set_bookmarked([shared], True)
    print(i, flush=True)
    i += 1
    time.sleep(pause)  # a person's pace is far slower; without a pause one writer starves
store.close()
"""


def _writer(
    db: Path, prefix: str, mode: str, seconds: float, pause: float = 0.0, count: int = 10**9
) -> subprocess.Popen[str]:
    env = {**os.environ, "PYTHONPATH": str(SRC)}
    return subprocess.Popen(
        [sys.executable, "-c", WRITER, str(db), prefix, mode, str(seconds), str(pause), str(count)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )


def _committed(stdout: str) -> list[int]:
    """The actions a writer reported as done: whole lines only."""
    return [int(line) for line in stdout.split("\n")[:-1] if line.strip()]


def _check_all_present(db: Path, done: dict[str, list[int]]) -> None:
    modes = {"alpha": "read", "beta": "bookmark"}
    store = Store.open(db)
    try:
        assert store.notice is None
        for prefix, indices in done.items():
            own = [fake(f"{prefix}-{i}") for i in indices]
            shared = [fake(f"shared-{i}") for i in indices]
            states = store.states(own + shared)
            field = "read" if modes[prefix] == "read" else "bookmarked"
            lost = [
                a.identity
                for a in own + shared
                if not getattr(states.get(a.identity), field, False)
            ]
            assert lost == [], f"{len(lost)} actions lost, e.g. {lost[:5]}"
    finally:
        store.close()


def test_two_processes_writing_at_once(db: Path) -> None:
    Store.open(db).close()  # created up front, as a running app would have
    procs = {
        "alpha": _writer(db, "alpha", "read", 60, pause=0.002, count=150),
        "beta": _writer(db, "beta", "bookmark", 60, pause=0.002, count=150),
    }
    done = {}
    for prefix, proc in procs.items():
        out, err = proc.communicate(timeout=60)
        assert proc.returncode == 0, err
        assert "Traceback" not in err
        done[prefix] = _committed(out)
        assert len(done[prefix]) == 150, "a writer stopped before its last action"
    _check_all_present(db, done)


def test_two_stores_in_two_threads(db: Path) -> None:
    errors: list[BaseException] = []
    counts: dict[str, list[int]] = {"alpha": [], "beta": []}

    def work(prefix: str) -> None:
        store = Store.open(db)
        try:
            # A fixed number of actions each, not a time budget: on a loaded machine
            # SQLite's busy handler can let one writer run far ahead of the other.
            for i in range(60):
                own, shared = fake(f"{prefix}-{i}"), fake(f"shared-{i}")
                if prefix == "alpha":
                    store.set_read([own, shared], True)
                else:
                    store.set_bookmarked([own], True)
                    store.set_bookmarked([shared], True)
                counts[prefix].append(i)
        except BaseException as exc:
            errors.append(exc)
        finally:
            store.close()

    threads = [threading.Thread(target=work, args=(p,)) for p in counts]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert errors == []
    assert all(len(c) == 60 for c in counts.values())
    _check_all_present(db, counts)


def _open_at_once(db: Path, copies: int) -> list[Store | BaseException]:
    """Open ``copies`` stores on ``db`` from threads released at the same moment."""
    barrier = threading.Barrier(copies)
    results: list[Store | BaseException] = []

    def start() -> None:
        barrier.wait()
        try:
            results.append(Store.open(db))
        except BaseException as exc:
            results.append(exc)

    threads = [threading.Thread(target=start) for _ in range(copies)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    return results


def test_copies_opening_a_new_file_at_once(tmp_path: Path) -> None:
    """Copies of the app started together must all get a working store."""
    for round_ in range(30):
        db = tmp_path / f"round-{round_}" / "state.sqlite3"
        results = _open_at_once(db, 4)
        errors = [r for r in results if not isinstance(r, Store)]
        for result in results:
            if isinstance(result, Store):
                assert result.notice is None
                assert result.path == db
                result.close()
        assert errors == []
        assert len(results) == 4


def test_one_store_shared_by_threads(store: Store) -> None:
    def work(prefix: str) -> None:
        for i in range(100):
            store.set_read([fake(f"{prefix}-{i}")], True)

    threads = [threading.Thread(target=work, args=(f"t{n}",)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    articles = [fake(f"t{n}-{i}") for n in range(4) for i in range(100)]
    assert len(store.states(articles)) == 400


def test_kill_9_loses_nothing_committed(db: Path) -> None:
    rng = random.Random(1234)
    done: list[int] = []
    for _ in range(10):
        proc = _writer(db, "alpha", "read", 30.0)
        time.sleep(rng.uniform(0.05, 0.4))
        proc.send_signal(signal.SIGKILL)
        out, _err = proc.communicate(timeout=30)
        assert proc.returncode == -signal.SIGKILL
        done.extend(_committed(out))
    assert done, "no writer got far enough to commit anything"
    with sqlite3.connect(db) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    _check_all_present(db, {"alpha": done})


# ---------------------------------------------------------------------------
# Damage and repair

DAMAGED_NAME = re.compile(r"^state\.sqlite3\.damaged-\d{8}-\d{6}(-\d+)?$")


def _assert_moved_aside(db: Path, store: Store, original: bytes) -> Path:
    aside = [p for p in db.parent.iterdir() if DAMAGED_NAME.match(p.name)]
    assert len(aside) == 1, sorted(p.name for p in db.parent.iterdir())
    assert aside[0].read_bytes() == original
    assert store.notice is not None
    assert str(aside[0]) in store.notice
    assert store.path == db
    return aside[0]


def _assert_works_and_persists(db: Path, store: Store) -> None:
    a = fake("after-repair")
    store.set_bookmarked([a], True, when=9.0)
    store.close()
    reopened = Store.open(db)
    try:
        assert reopened.notice is None
        assert state_of(reopened, a).bookmarked is True
    finally:
        reopened.close()


def test_random_bytes_store_is_moved_aside(db: Path) -> None:
    db.parent.mkdir(parents=True)
    garbage = random.Random(7).randbytes(8192)
    db.write_bytes(garbage)
    store = Store.open(db)
    _assert_moved_aside(db, store, garbage)
    _assert_works_and_persists(db, store)


def test_truncated_store_is_moved_aside(db: Path) -> None:
    store = Store.open(db)
    store.set_read([fake(f"x{i}") for i in range(3000)], True)
    store.close()
    data = db.read_bytes()
    truncated = data[: len(data) // 2]
    db.write_bytes(truncated)
    store = Store.open(db)
    _assert_moved_aside(db, store, truncated)
    _assert_works_and_persists(db, store)


def test_two_repairs_keep_both_damaged_files(db: Path) -> None:
    db.parent.mkdir(parents=True)
    first, second = b"not a database, first" * 100, b"not a database, second" * 100
    db.write_bytes(first)
    Store.open(db).close()
    db.write_bytes(second)
    Store.open(db).close()
    aside = {p.read_bytes() for p in db.parent.iterdir() if DAMAGED_NAME.match(p.name)}
    assert aside == {first, second}


def test_folder_in_the_way_gives_working_memory_store(db: Path) -> None:
    db.mkdir(parents=True)
    (db / "keep.txt").write_text("mine")
    store = Store.open(db)
    try:
        assert store.path is None
        assert store.notice is not None
        assert "not being saved" in store.notice
        assert str(db) in store.notice
        a = fake("a")
        store.set_read([a], True, when=1.0)
        assert state_of(store, a).read is True
    finally:
        store.close()
    assert (db / "keep.txt").read_text() == "mine"  # the folder was left alone
    assert [p.name for p in db.parent.iterdir()] == ["state.sqlite3"]


def test_store_from_newer_version_is_refused_and_kept(db: Path) -> None:
    db.parent.mkdir(parents=True)
    with sqlite3.connect(db) as conn:
        conn.execute("CREATE TABLE future (x)")
        conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    conn.close()
    with pytest.raises(StoreError, match="newer aireader"):
        Store.open(db)
    assert [p.name for p in db.parent.iterdir()] == ["state.sqlite3"]
    with sqlite3.connect(db) as conn:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION + 1
    conn.close()


def test_empty_file_becomes_a_store(db: Path) -> None:
    db.parent.mkdir(parents=True)
    db.write_bytes(b"")
    store = Store.open(db)
    assert store.notice is None
    _assert_works_and_persists(db, store)


# ---------------------------------------------------------------------------
# Saved searches


def test_saved_searches_survive_reopening_in_saved_order(db: Path) -> None:
    store = Store.open(db)
    store.save_search("Sora news", "sora -tag:opinion")
    store.save_search("Unread PT", "lang:pt is:unread")
    store.close()
    again = Store.open(db)
    assert [(s.name, s.query) for s in again.saved_searches()] == [
        ("Sora news", "sora -tag:opinion"),
        ("Unread PT", "lang:pt is:unread"),
    ]
    again.close()


def test_saving_under_a_used_name_replaces_the_query_in_place(store: Store) -> None:
    store.save_search("a", "one")
    store.save_search("b", "two")
    store.save_search("a", "three")
    assert [(s.name, s.query) for s in store.saved_searches()] == [("a", "three"), ("b", "two")]


def test_deleting_a_saved_search(store: Store) -> None:
    store.save_search("a", "one")
    store.save_search("b", "two")
    store.delete_search("a")
    assert [s.name for s in store.saved_searches()] == ["b"]


def test_a_version_1_store_gains_saved_searches_and_keeps_its_state(db: Path) -> None:
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
        INSERT INTO article_state VALUES ('x', '/lib/x.md', 1, 5.0, 1, 6.0);
        PRAGMA user_version = 1;
        """
    )
    conn.close()
    store = Store.open(db)
    assert store.notice is None
    assert state_of(store, fake("x")) == ArticleState(True, 5.0, True, 6.0)
    store.save_search("s", "sora")
    assert [s.query for s in store.saved_searches()] == ["sora"]
    store.close()
