"""The user-data store: read-state and bookmarks, kept in SQLite.

This is precious data. Every action is its own committed transaction (WAL,
``synchronous=FULL``), so ``kill -9`` loses at most the action in flight; two
copies of the app can write at once (busy timeout and retry). A file that will
not open as a database is moved aside under a timestamped name and a fresh store
is started; :attr:`Store.notice` then says what happened, in words for the user.

State is keyed by an article's content identity, with its last known path as a
second key: it follows a file that is renamed or moved (same content), and one
that is edited in place (same path).
"""

from __future__ import annotations

import sqlite3
import threading
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TypeVar

from aireader.core.article import Article

SCHEMA_VERSION = 2
_MIGRATIONS: dict[int, str] = {
    1: """
        CREATE TABLE article_state (
            identity TEXT PRIMARY KEY,
            path TEXT NOT NULL,
            read INTEGER NOT NULL DEFAULT 0,
            read_set_at REAL,
            bookmarked INTEGER NOT NULL DEFAULT 0,
            bookmark_set_at REAL
        );
        CREATE INDEX article_state_path ON article_state(path);
    """,
    2: """
        CREATE TABLE saved_search (
            name TEXT PRIMARY KEY,
            query TEXT NOT NULL,
            saved_at REAL NOT NULL
        );
    """,
}
_RETRY_SECONDS = 30.0
T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class ArticleState:
    """What the user has done with one article, and when each was last set."""

    read: bool = False
    read_set_at: float | None = None
    bookmarked: bool = False
    bookmark_set_at: float | None = None


UNTOUCHED = ArticleState()


@dataclass(frozen=True, slots=True)
class SavedSearch:
    """A query the user keeps in the sidebar under a name."""

    name: str
    query: str


class StoreError(RuntimeError):
    """The store could not do what was asked; the message is for the user."""


def _connect(path: Path | str) -> sqlite3.Connection:
    conn = sqlite3.connect(path, timeout=5.0, isolation_level=None, check_same_thread=False)
    try:
        conn.execute("PRAGMA busy_timeout = 5000")
        if str(path) != ":memory:":
            # Switching to WAL reports "locked" at once, without the busy timeout,
            # while another copy is doing the same to a new file: wait a little.
            deadline = time.monotonic() + 5.0
            while True:
                try:
                    conn.execute("PRAGMA journal_mode = WAL").fetchone()
                    break
                except sqlite3.OperationalError as exc:
                    if not _is_busy(exc) or time.monotonic() > deadline:
                        raise
                    time.sleep(0.01)
        conn.execute("PRAGMA synchronous = FULL")
        if conn.execute("PRAGMA quick_check").fetchone()[0] != "ok":
            raise sqlite3.DatabaseError("integrity check failed")
        _migrate(conn)
    except BaseException:
        conn.close()
        raise
    return conn


def _migrate(conn: sqlite3.Connection) -> None:
    version = conn.execute("PRAGMA user_version").fetchone()[0]
    if version > SCHEMA_VERSION:
        raise StoreError(
            f"the state file was written by a newer aireader (schema {version}); "
            "upgrade aireader to use it"
        )
    for target in range(version + 1, SCHEMA_VERSION + 1):
        conn.execute("BEGIN IMMEDIATE")
        try:
            # Another process may have migrated while we waited for the lock.
            if conn.execute("PRAGMA user_version").fetchone()[0] < target:
                for statement in _MIGRATIONS[target].split(";"):
                    if statement.strip():
                        conn.execute(statement)
                conn.execute(f"PRAGMA user_version = {target}")
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise


def _is_busy(exc: sqlite3.OperationalError) -> bool:
    text = str(exc).lower()
    return "locked" in text or "busy" in text


class Store:
    """Read-state and bookmarks. Open one with :meth:`open`; safe to call from threads."""

    def __init__(self, conn: sqlite3.Connection, path: Path | None, notice: str | None = None):
        self._conn = conn
        self._lock = threading.Lock()
        self.path = path
        """The file behind the store; ``None`` when it lives only in memory."""
        self.notice = notice
        """A sentence for the user when opening needed repair, else ``None``."""

    # -- opening -----------------------------------------------------------

    @classmethod
    def open(cls, path: Path) -> Store:
        """Open (or create) the store at ``path``, repairing what can be repaired.

        Never raises for a damaged or unwritable file: a damaged one is moved
        aside and replaced; when nothing can be written the store lives in
        memory for this session, and :attr:`notice` says so.
        """
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            return cls(_connect(path), path)
        except StoreError:
            raise
        except sqlite3.DatabaseError as exc:
            if isinstance(exc, sqlite3.OperationalError):
                if _is_busy(exc):
                    raise StoreError(f"the state file {path} is locked by another program") from exc
                # Cannot open, read-only, disk full, a folder in the way...: the file
                # is not damaged, so it is left alone rather than moved aside.
                return cls._in_memory(f"cannot open {path} ({exc})", saved=path)
            damaged = exc
        except OSError as exc:
            return cls._in_memory(f"cannot use {path.parent} ({exc.strerror or exc})")
        try:
            moved = _move_aside(path)
            conn = _connect(path)
        except (OSError, sqlite3.Error) as exc:
            return cls._in_memory(f"cannot open {path} ({damaged}; {exc})")
        notice = (
            f"The state file could not be opened ({damaged}); it was moved to {moved} "
            "and a fresh one was started."
        )
        return cls(conn, path, notice)

    @classmethod
    def _in_memory(cls, why: str, saved: Path | None = None) -> Store:
        """A store for this session only; it starts from ``saved`` when that file can
        still be read (a read-only folder or disk), so earlier marks keep showing."""
        conn = _read_only_copy(saved) if saved is not None else None
        if conn is None:
            notice = f"Read-state is not being saved: {why}. Changes last only this session."
            return cls(_connect(":memory:"), None, notice)
        notice = (
            f"Read-state is not being saved: {why}. What was saved before is shown; "
            "changes last only this session."
        )
        return cls(conn, None, notice)

    def close(self) -> None:
        with self._lock:
            self._conn.close()

    # -- reading -----------------------------------------------------------

    def states(
        self, articles: Sequence[Article], *, follow: bool = True
    ) -> dict[str, ArticleState]:
        """The state of each article, keyed by identity (untouched ones are left out).

        An article found only by its old path was edited in place; one found by
        content at another path was moved. With ``follow`` (for the whole
        library, not a part of it) both rows are brought up to date so the state
        keeps following the article.
        """
        rows = self._run(
            lambda c: c.execute(
                "SELECT identity, path, read, read_set_at, bookmarked, bookmark_set_at "
                "FROM article_state"
            ).fetchall()
        )
        by_identity = {row[0]: row for row in rows}
        by_path = {row[1]: row for row in rows}
        current_ids = {a.identity for a in articles}
        current_paths = {a.location for a in articles}
        out: dict[str, ArticleState] = {}
        rebind: list[tuple[str, str, str]] = []  # (new identity, path, old identity)
        repath: list[tuple[str, str]] = []  # (path, identity)
        for article in articles:
            path = article.location
            row = by_identity.get(article.identity)
            if row is None:
                row = by_path.get(path)
                if row is None or row[0] in current_ids:
                    continue
                rebind.append((article.identity, path, row[0]))
                by_identity[article.identity] = row
            elif row[1] != path and row[1] not in current_paths:
                repath.append((path, article.identity))
            out[article.identity] = ArticleState(bool(row[2]), row[3], bool(row[4]), row[5])
        if follow and (rebind or repath):

            def update(c: sqlite3.Connection) -> None:
                c.executemany(
                    "UPDATE OR IGNORE article_state SET identity = ?, path = ? WHERE identity = ?",
                    rebind,
                )
                c.executemany("UPDATE article_state SET path = ? WHERE identity = ?", repath)

            self._transaction(update)
        return out

    # -- actions: each one its own committed transaction -------------------

    def set_read(self, articles: Iterable[Article], read: bool, when: float | None = None) -> None:
        """Mark articles read or unread, in one transaction."""
        self._set("read", articles, read, when)

    def set_bookmarked(
        self, articles: Iterable[Article], bookmarked: bool, when: float | None = None
    ) -> None:
        """Bookmark or un-bookmark articles, in one transaction."""
        self._set("bookmark", articles, bookmarked, when)

    def _set(self, what: str, articles: Iterable[Article], value: bool, when: float | None) -> None:
        column = {"read": "read", "bookmark": "bookmarked"}[what]
        stamp = time.time() if when is None else when
        params = [(a.identity, a.location, int(value), stamp) for a in articles]
        if not params:
            return
        sql = (
            f"INSERT INTO article_state (identity, path, {column}, {what}_set_at) "
            "VALUES (?, ?, ?, ?) ON CONFLICT (identity) DO UPDATE SET "
            f"path = excluded.path, {column} = excluded.{column}, "
            f"{what}_set_at = excluded.{what}_set_at"
        )
        self._transaction(lambda c: c.executemany(sql, params))

    # -- saved searches --------------------------------------------------------

    def saved_searches(self) -> list[SavedSearch]:
        """Saved searches, in the order they were first saved."""
        rows = self._run(
            lambda c: c.execute(
                "SELECT name, query FROM saved_search ORDER BY saved_at, name"
            ).fetchall()
        )
        return [SavedSearch(name, query) for name, query in rows]

    def save_search(self, name: str, query: str) -> None:
        """Save ``query`` as ``name``; saving under a name already used replaces its query."""
        self._transaction(
            lambda c: c.execute(
                "INSERT INTO saved_search (name, query, saved_at) VALUES (?, ?, ?) "
                "ON CONFLICT (name) DO UPDATE SET query = excluded.query",
                (name, query, time.time()),
            )
        )

    def delete_search(self, name: str) -> None:
        self._transaction(lambda c: c.execute("DELETE FROM saved_search WHERE name = ?", (name,)))

    # -- plumbing ------------------------------------------------------------

    def _transaction(self, work: Callable[[sqlite3.Connection], object]) -> None:
        def run(c: sqlite3.Connection) -> None:
            c.execute("BEGIN IMMEDIATE")
            try:
                work(c)
                c.execute("COMMIT")
            except BaseException:
                c.execute("ROLLBACK")
                raise

        self._run(run)

    def _run(self, work: Callable[[sqlite3.Connection], T]) -> T:
        """Run ``work`` under the lock, retrying while another process holds the file."""
        deadline = time.monotonic() + _RETRY_SECONDS
        delay = 0.01
        while True:
            with self._lock:
                try:
                    return work(self._conn)
                except sqlite3.OperationalError as exc:
                    if not _is_busy(exc) or time.monotonic() > deadline:
                        raise StoreError(f"could not save to {self.path}: {exc}") from exc
                except sqlite3.Error as exc:
                    # Damaged since it was opened ("database disk image is malformed"):
                    # a StoreError like any other failure, so the user is told.
                    raise StoreError(f"could not save to {self.path}: {exc}") from exc
            time.sleep(delay)
            delay = min(delay * 2, 0.25)


def _read_only_copy(path: Path) -> sqlite3.Connection | None:
    """The store at ``path`` copied into memory, read without writing a byte; None if
    it cannot be read (missing, not a database, damaged, from a newer aireader)."""
    if not path.is_file():
        return None
    for options in ("mode=ro", "immutable=1"):  # immutable: no WAL files can be made
        try:
            source = sqlite3.connect(f"{path.as_uri()}?{options}", uri=True)
        except sqlite3.Error:
            continue
        conn = sqlite3.connect(":memory:", isolation_level=None, check_same_thread=False)
        try:
            source.backup(conn)
            if conn.execute("PRAGMA quick_check").fetchone()[0] != "ok":
                raise sqlite3.DatabaseError("integrity check failed")
            _migrate(conn)
            return conn
        except (sqlite3.Error, StoreError):
            conn.close()
        finally:
            source.close()
    return None


def _move_aside(path: Path) -> Path:
    """Rename a damaged store (and its WAL files) to a timestamped name; return it."""
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    target = path.with_name(f"{path.name}.damaged-{stamp}")
    n = 1
    while target.exists():
        n += 1
        target = path.with_name(f"{path.name}.damaged-{stamp}-{n}")
    path.rename(target)
    for suffix in ("-wal", "-shm"):
        extra = path.with_name(path.name + suffix)
        if extra.exists():
            extra.rename(target.with_name(target.name + suffix))
    return target
