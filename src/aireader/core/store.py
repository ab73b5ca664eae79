"""The user-data store: read-state and bookmarks, kept in SQLite.

This is precious data. Every action is its own committed transaction (WAL,
``synchronous=FULL``), so ``kill -9`` loses at most the action in flight; two
copies of the app can write at once (busy timeout and retry). A file that will
not open as a database is moved aside under a timestamped name and a fresh store
is started; :attr:`Store.notice` then says what happened, in words for the user.

State is keyed by an article's content identity, with its last known path as a
second key: it follows a file that is renamed or moved (same content), and one
that is edited in place (same path). Each row also keeps the title the article
was last seen with, so what is bookmarked can be listed without its library.

The whole store can be exported to a JSON-ready dict and imported again, either
merged (per field, the newest change wins) or replacing what is there; see
:meth:`Store.export_state` and :meth:`Store.import_state`.
"""

from __future__ import annotations

import contextlib
import math
import os
import sqlite3
import threading
import time
from collections.abc import Callable, Iterable, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypeVar

from aireader.core.article import Article
from aireader.core.record import Record

SCHEMA_VERSION = 4
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
    3: """
        ALTER TABLE article_state ADD COLUMN position REAL NOT NULL DEFAULT 0;
        ALTER TABLE article_state ADD COLUMN position_set_at REAL;
    """,
    4: """
        ALTER TABLE article_state ADD COLUMN title TEXT;
    """,
}
_COLUMNS = (
    "identity, path, read, read_set_at, bookmarked, bookmark_set_at, position, position_set_at, "
    "title"
)
STARTED = 0.02
"""A position from here on means the article has been started..."""
FINISHED = 0.98
"""...and from here on that it has been read to the end."""
EXPORT_FORMAT = "aireader-state"
EXPORT_VERSION = 1
_RETRY_SECONDS = 30.0
T = TypeVar("T")


class ArticleState(Record):
    """What the user has done with one article, and when each was last set."""

    __slots__ = (
        "bookmark_set_at",
        "bookmarked",
        "position",
        "position_set_at",
        "read",
        "read_set_at",
    )
    read: bool
    read_set_at: float | None
    bookmarked: bool
    bookmark_set_at: float | None
    position: float
    """The fraction of the article scrolled past, 0..1."""
    position_set_at: float | None

    def __init__(
        self,
        read: bool = False,
        read_set_at: float | None = None,
        bookmarked: bool = False,
        bookmark_set_at: float | None = None,
        position: float = 0.0,
        position_set_at: float | None = None,
    ) -> None:
        set_ = object.__setattr__
        set_(self, "read", read)
        set_(self, "read_set_at", read_set_at)
        set_(self, "bookmarked", bookmarked)
        set_(self, "bookmark_set_at", bookmark_set_at)
        set_(self, "position", position)
        set_(self, "position_set_at", position_set_at)

    @property
    def progress(self) -> float | None:
        """The position of an article started but not finished, else ``None``."""
        return self.position if STARTED <= self.position < FINISHED else None


UNTOUCHED = ArticleState()


class KnownArticle(Record):
    """An article the store has state for, as it was last seen: its identity, the
    path and title it had then, and its state (see :meth:`Store.bookmarked`)."""

    __slots__ = ("identity", "path", "state", "title")
    identity: str
    path: str
    title: str | None
    """None for state kept before titles were (it is filled in when the article is seen)."""
    state: ArticleState

    def __init__(self, identity: str, path: str, title: str | None, state: ArticleState) -> None:
        set_ = object.__setattr__
        set_(self, "identity", identity)
        set_(self, "path", path)
        set_(self, "title", title)
        set_(self, "state", state)


class SavedSearch(Record):
    """A query the user keeps in the sidebar under a name."""

    __slots__ = ("name", "query")
    name: str
    query: str

    def __init__(self, name: str, query: str) -> None:
        object.__setattr__(self, "name", name)
        object.__setattr__(self, "query", query)


class StoreError(RuntimeError):
    """The store could not do what was asked; the message is for the user."""


class StateFileError(ValueError):
    """Content given to :meth:`Store.import_state` is not a valid export.

    The message is one line for the user, naming what is wrong and where.
    """


class ImportResult(Record):
    """What :meth:`Store.import_state` did, counted over the file's records."""

    __slots__ = ("added", "searches", "unchanged", "updated")
    added: int
    """Articles whose identity was not in the store before."""
    updated: int
    """Articles already in the store whose stored values changed."""
    unchanged: int
    """The file's other articles."""
    searches: int
    """Saved searches added or changed."""

    def __init__(self, added: int, updated: int, unchanged: int, searches: int) -> None:
        set_ = object.__setattr__
        set_(self, "added", added)
        set_(self, "updated", updated)
        set_(self, "unchanged", unchanged)
        set_(self, "searches", searches)


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
        rows = self._run(lambda c: c.execute(f"SELECT {_COLUMNS} FROM article_state").fetchall())
        by_identity = {row[0]: row for row in rows}
        by_path = {row[1]: row for row in rows}
        current_ids = {a.identity for a in articles}
        current_paths = {a.location for a in articles}
        out: dict[str, ArticleState] = {}
        rebind: list[tuple[str, str, str, str]] = []  # (new identity, path, title, old identity)
        repath: list[tuple[str, str, str]] = []  # (path, title, identity)
        for article in articles:
            path = article.location
            row = by_identity.get(article.identity)
            if row is None:
                row = by_path.get(path)
                if row is None or row[0] in current_ids:
                    continue
                rebind.append((article.identity, path, article.title, row[0]))
                by_identity[article.identity] = row
            elif row[1] != path and row[1] not in current_paths:
                repath.append((path, article.title, article.identity))
            elif row[8] != article.title:  # retitled, or kept before titles were
                repath.append((row[1], article.title, article.identity))
            out[article.identity] = ArticleState(
                bool(row[2]), row[3], bool(row[4]), row[5], row[6], row[7]
            )
        if follow and (rebind or repath):

            def update(c: sqlite3.Connection) -> None:
                c.executemany(
                    "UPDATE OR IGNORE article_state SET identity = ?, path = ?, title = ? "
                    "WHERE identity = ?",
                    rebind,
                )
                c.executemany(
                    "UPDATE article_state SET path = ?, title = ? WHERE identity = ?", repath
                )

            self._transaction(update)
        return out

    def bookmarked(self) -> list[KnownArticle]:
        """Every bookmarked article, in any folder, as last seen; the latest bookmarked first."""
        rows = self._run(
            lambda c: c.execute(
                f"SELECT {_COLUMNS} FROM article_state WHERE bookmarked "
                "ORDER BY bookmark_set_at DESC, identity"
            ).fetchall()
        )
        return [
            KnownArticle(
                row[0],
                row[1],
                row[8],
                ArticleState(bool(row[2]), row[3], bool(row[4]), row[5], row[6], row[7]),
            )
            for row in rows
        ]

    # -- actions: each one its own committed transaction -------------------

    def set_read(self, articles: Iterable[Article], read: bool, when: float | None = None) -> None:
        """Mark articles read or unread, in one transaction."""
        self._set("read", articles, read, when)

    def set_bookmarked(
        self, articles: Iterable[Article], bookmarked: bool, when: float | None = None
    ) -> None:
        """Bookmark or un-bookmark articles, in one transaction."""
        self._set("bookmark", articles, bookmarked, when)

    def set_position(self, article: Article, position: float, when: float | None = None) -> None:
        """Remember how far into ``article`` the reader is (0..1, clamped).

        A position that is not a finite number (nan, inf) is ignored.
        """
        if not math.isfinite(position):
            return
        params = (
            article.identity,
            article.location,
            article.title,
            min(1.0, max(0.0, float(position))),
            time.time() if when is None else when,
        )
        self._transaction(
            lambda c: c.execute(
                "INSERT INTO article_state (identity, path, title, position, position_set_at) "
                "VALUES (?, ?, ?, ?, ?) ON CONFLICT (identity) DO UPDATE SET "
                "path = excluded.path, title = excluded.title, position = excluded.position, "
                "position_set_at = excluded.position_set_at",
                params,
            )
        )

    def _set(self, what: str, articles: Iterable[Article], value: bool, when: float | None) -> None:
        column = {"read": "read", "bookmark": "bookmarked"}[what]
        stamp = time.time() if when is None else when
        params = [(a.identity, a.location, a.title, int(value), stamp) for a in articles]
        if not params:
            return
        sql = (
            f"INSERT INTO article_state (identity, path, title, {column}, {what}_set_at) "
            "VALUES (?, ?, ?, ?, ?) ON CONFLICT (identity) DO UPDATE SET "
            f"path = excluded.path, title = excluded.title, {column} = excluded.{column}, "
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

    # -- export, import, backup ----------------------------------------------

    def export_state(self) -> dict[str, Any]:
        """All article state and saved searches as a JSON-ready dict.

        Articles are ordered by identity and saved searches as in the sidebar,
        so the same store always exports the same thing (but ``exported_at``).
        """

        def read(c: sqlite3.Connection) -> tuple[list[Any], list[Any]]:
            c.execute("BEGIN")  # one snapshot for both tables
            try:
                articles = c.execute(
                    f"SELECT {_COLUMNS} FROM article_state ORDER BY identity"
                ).fetchall()
                searches = c.execute(
                    "SELECT name, query, saved_at FROM saved_search ORDER BY saved_at, name"
                ).fetchall()
            except BaseException:
                c.execute("ROLLBACK")
                raise
            c.execute("COMMIT")
            return articles, searches

        articles, searches = self._run(read)
        return {
            "format": EXPORT_FORMAT,
            "version": EXPORT_VERSION,
            "exported_at": datetime.now(UTC).isoformat(timespec="seconds"),
            "articles": [_record(_Row.from_db(row)) for row in articles],
            "saved_searches": [
                {"name": name, "query": query, "saved_at": float(saved_at)}
                for name, query, saved_at in searches
            ],
        }

    def import_state(self, data: Any, *, merge: bool) -> ImportResult:
        """Bring in what :meth:`export_state` produced (already parsed from JSON).

        The whole of ``data`` is checked first (:class:`StateFileError` says what
        is wrong) and then written in one transaction: all of it or nothing.

        With ``merge`` each article's read mark, bookmark and position are taken
        from whichever side changed it last (a missing time is older than any;
        on a tie the store keeps its own); articles and saved searches the file
        lacks are kept, and a saved search is taken when the file saved it
        later. A stored article keeps its stored path. Without ``merge`` the
        store becomes exactly the file: whatever it lacks is deleted.
        """
        rows, searches = _parse_export(data)

        def work(c: sqlite3.Connection) -> ImportResult:
            old_rows = {
                r[0]: _Row.from_db(r)
                for r in c.execute(f"SELECT {_COLUMNS} FROM article_state").fetchall()
            }
            old_searches: dict[str, tuple[str, float]] = {
                name: (query, float(saved_at))
                for name, query, saved_at in c.execute(
                    "SELECT name, query, saved_at FROM saved_search"
                ).fetchall()
            }
            added = updated = unchanged = 0
            write: list[_Row] = []
            for row in rows:
                old = old_rows.get(row.identity)
                new = row if old is None or not merge else old.merged(row)
                if old is None:
                    added += 1
                elif new != old:
                    updated += 1
                else:
                    unchanged += 1
                if new != old or not merge:
                    write.append(new)
            write_searches = [
                (name, query, saved_at)
                for name, (query, saved_at) in searches.items()
                if not merge or name not in old_searches or saved_at > old_searches[name][1]
            ]
            changed = sum(old_searches.get(s[0]) != (s[1], s[2]) for s in write_searches)
            if not merge:
                c.execute("DELETE FROM article_state")
                c.execute("DELETE FROM saved_search")
            c.executemany(
                f"INSERT OR REPLACE INTO article_state ({_COLUMNS}) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [r.to_db() for r in write],
            )
            c.executemany(
                "INSERT OR REPLACE INTO saved_search (name, query, saved_at) VALUES (?, ?, ?)",
                write_searches,
            )
            return ImportResult(added, updated, unchanged, changed)

        return self._transaction(work)

    def backup(self, target: Path) -> None:
        """Write a consistent copy of the store to ``target`` (replacing it).

        The copy is made beside ``target`` and renamed into place, so ``target``
        is never left half written. Works for a store in memory too.
        """
        temp = target.with_name(f".{target.name}.{os.getpid()}-{threading.get_ident()}.tmp")

        def copy(c: sqlite3.Connection) -> None:
            dest = sqlite3.connect(temp)
            try:
                c.backup(dest)
            finally:
                dest.close()

        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            temp.unlink(missing_ok=True)
            self._run(copy, failure=f"could not back up the state to {target}")
            os.replace(temp, target)
        except OSError as exc:
            raise StoreError(
                f"could not back up the state to {target}: {exc.strerror or exc}"
            ) from exc
        finally:
            for leftover in (temp, *(temp.with_name(temp.name + x) for x in ("-wal", "-shm"))):
                with contextlib.suppress(OSError):
                    leftover.unlink(missing_ok=True)

    # -- plumbing ------------------------------------------------------------

    def _transaction(self, work: Callable[[sqlite3.Connection], T]) -> T:
        def run(c: sqlite3.Connection) -> T:
            c.execute("BEGIN IMMEDIATE")
            try:
                result = work(c)
                c.execute("COMMIT")
            except BaseException:
                c.execute("ROLLBACK")
                raise
            return result

        return self._run(run)

    def _run(self, work: Callable[[sqlite3.Connection], T], failure: str | None = None) -> T:
        """Run ``work`` under the lock, retrying while another process holds the file."""
        failure = failure or f"could not save to {self.path}"
        deadline = time.monotonic() + _RETRY_SECONDS
        delay = 0.01
        while True:
            with self._lock:
                try:
                    return work(self._conn)
                except sqlite3.OperationalError as exc:
                    if not _is_busy(exc) or time.monotonic() > deadline:
                        raise StoreError(f"{failure}: {exc}") from exc
                except sqlite3.Error as exc:
                    # Damaged since it was opened ("database disk image is malformed"):
                    # a StoreError like any other failure, so the user is told.
                    raise StoreError(f"{failure}: {exc}") from exc
            time.sleep(delay)
            delay = min(delay * 2, 0.25)


# -- the export format -------------------------------------------------------


class _Row(Record):
    """One row of ``article_state``, as the export format and the merge see it."""

    __slots__ = (
        "bookmark_set_at",
        "bookmarked",
        "identity",
        "path",
        "position",
        "position_set_at",
        "read",
        "read_set_at",
        "title",
    )
    identity: str
    path: str
    read: bool
    read_set_at: float | None
    bookmarked: bool
    bookmark_set_at: float | None
    position: float
    position_set_at: float | None
    title: str | None

    def __init__(
        self,
        identity: str,
        path: str,
        read: bool = False,
        read_set_at: float | None = None,
        bookmarked: bool = False,
        bookmark_set_at: float | None = None,
        position: float = 0.0,
        position_set_at: float | None = None,
        title: str | None = None,
    ) -> None:
        set_ = object.__setattr__
        set_(self, "title", title)
        set_(self, "identity", identity)
        set_(self, "path", path)
        set_(self, "read", read)
        set_(self, "read_set_at", read_set_at)
        set_(self, "bookmarked", bookmarked)
        set_(self, "bookmark_set_at", bookmark_set_at)
        set_(self, "position", position)
        set_(self, "position_set_at", position_set_at)

    @classmethod
    def from_db(cls, row: Sequence[Any]) -> _Row:
        return cls(
            row[0],
            row[1],
            bool(row[2]),
            _float_or_none(row[3]),
            bool(row[4]),
            _float_or_none(row[5]),
            float(row[6]),
            _float_or_none(row[7]),
            row[8],
        )

    def to_db(self) -> tuple[Any, ...]:
        return (
            self.identity,
            self.path,
            int(self.read),
            self.read_set_at,
            int(self.bookmarked),
            self.bookmark_set_at,
            self.position,
            self.position_set_at,
            self.title,
        )

    def merged(self, other: _Row) -> _Row:
        """This (stored) row with each of ``other``'s newer changes taken in."""
        read = (other.read, other.read_set_at)
        bookmark = (other.bookmarked, other.bookmark_set_at)
        position = (other.position, other.position_set_at)
        if not _newer(other.read_set_at, self.read_set_at):
            read = (self.read, self.read_set_at)
        if not _newer(other.bookmark_set_at, self.bookmark_set_at):
            bookmark = (self.bookmarked, self.bookmark_set_at)
        if not _newer(other.position_set_at, self.position_set_at):
            position = (self.position, self.position_set_at)
        title = self.title if self.title is not None else other.title
        return _Row(self.identity, self.path, *read, *bookmark, *position, title)


def _newer(theirs: float | None, ours: float | None) -> bool:
    """Whether a change at ``theirs`` is later than one at ``ours`` (None: never set)."""
    return theirs is not None and (ours is None or theirs > ours)


def _float_or_none(value: Any) -> float | None:
    return None if value is None else float(value)


def _record(row: _Row) -> dict[str, Any]:
    return {
        "identity": row.identity,
        "path": row.path,
        "read": row.read,
        "read_set_at": row.read_set_at,
        "bookmarked": row.bookmarked,
        "bookmark_set_at": row.bookmark_set_at,
        "position": row.position,
        "position_set_at": row.position_set_at,
        "title": row.title,
    }


def _parse_export(data: Any) -> tuple[list[_Row], dict[str, tuple[str, float]]]:
    """Check all of an export and return its articles and saved searches by name.

    Raises :class:`StateFileError` at the first thing that is wrong. Keys this
    version does not know are ignored; missing times count as never set.
    """
    if not isinstance(data, dict) or data.get("format") != EXPORT_FORMAT:
        raise StateFileError("not an aireader state file")
    version = data.get("version")
    if not isinstance(version, int) or isinstance(version, bool):
        raise StateFileError("'version' must be a whole number")
    if version > EXPORT_VERSION:
        raise StateFileError(f"version {version} is newer than this aireader understands")
    if version < 1:
        raise StateFileError(f"version {version} is not a known version")
    if "exported_at" in data and not isinstance(data["exported_at"], str | None):
        raise StateFileError("'exported_at' must be a text date")
    for key in ("articles", "saved_searches"):
        if not isinstance(data.get(key), list):
            raise StateFileError(f"'{key}' must be a list")

    rows: list[_Row] = []
    seen: dict[str, int] = {}
    for i, record in enumerate(data["articles"]):
        where = f"articles[{i}]"
        if not isinstance(record, dict):
            raise StateFileError(f"{where} must be an object")
        identity = _field(record, where, "identity")
        if not isinstance(identity, str) or not identity:
            raise StateFileError(f"{where}: 'identity' must be a non-empty string")
        if identity in seen:
            raise StateFileError(f"{where}: the same identity as articles[{seen[identity]}]")
        seen[identity] = i
        path = _field(record, where, "path")
        if not isinstance(path, str):
            raise StateFileError(f"{where}: 'path' must be a string")
        flags = []
        for key in ("read", "bookmarked"):
            flag = _field(record, where, key)
            if not isinstance(flag, bool):
                raise StateFileError(f"{where}: '{key}' must be true or false")
            flags.append(flag)
        position = _field(record, where, "position")
        if not _is_number(position) or not 0 <= position <= 1:
            raise StateFileError(f"{where}: 'position' must be a number from 0 to 1")
        read_at, bookmark_at, position_at = (
            _time(record, where, key)
            for key in ("read_set_at", "bookmark_set_at", "position_set_at")
        )
        title = record.get("title")  # since schema 4; absent from older files
        if title is not None and not isinstance(title, str):
            raise StateFileError(f"{where}: 'title' must be a string or null")
        rows.append(
            _Row(
                identity,
                path,
                flags[0],
                read_at,
                flags[1],
                bookmark_at,
                float(position),
                position_at,
                title,
            )
        )

    searches: dict[str, tuple[str, float]] = {}
    for i, record in enumerate(data["saved_searches"]):
        where = f"saved_searches[{i}]"
        if not isinstance(record, dict):
            raise StateFileError(f"{where} must be an object")
        name = _field(record, where, "name")
        if not isinstance(name, str) or not name:
            raise StateFileError(f"{where}: 'name' must be a non-empty string")
        if name in searches:
            raise StateFileError(f"{where}: a second saved search with the same name")
        query = _field(record, where, "query")
        if not isinstance(query, str):
            raise StateFileError(f"{where}: 'query' must be a string")
        saved_at = _field(record, where, "saved_at")
        if not _is_number(saved_at):
            raise StateFileError(f"{where}: 'saved_at' must be a time in seconds")
        searches[name] = (query, float(saved_at))
    return rows, searches


def _field(record: dict[Any, Any], where: str, key: str) -> Any:
    if key not in record:
        raise StateFileError(f"{where}: '{key}' is missing")
    return record[key]


def _time(record: dict[Any, Any], where: str, key: str) -> float | None:
    value = record.get(key)
    if value is None:
        return None
    if not _is_number(value):
        raise StateFileError(f"{where}: '{key}' must be a time in seconds or null")
    return float(value)


def _is_number(value: Any) -> bool:
    """A finite int or float (JSON true/false are not numbers)."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return False
    try:
        return math.isfinite(value)
    except OverflowError:  # an int too big for a float
        return False


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
