"""The article index: a disposable SQLite cache of what each file parsed into.

One file per library folder, in the cache directory. It holds, per file, its
path, size, modification time, identity and parsed metadata, so a start with
nothing changed reads no article file at all. Deleting it only costs a rebuild;
a damaged or outdated one is rebuilt without a word.

:meth:`Index.sync` brings it up to date with the folder: it stats every file,
parses only new or changed ones (in parallel processes when there are many) and
writes in batched transactions.
"""

from __future__ import annotations

import contextlib
import hashlib
import itertools
import json
import os
import re
import sqlite3
from collections import Counter
from collections.abc import Callable, Container, Iterable, Iterator, Sequence
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from aireader.core.article import Article, ArticleDate, DateSource, Format, Skipped, tag_key
from aireader.core.library import walk
from aireader.core.record import Record

if TYPE_CHECKING:
    from concurrent.futures import Executor

SCHEMA = 6
PARSER_VERSION = "3"
"""Bump when parsing changes what an article becomes: every cached entry is then redone."""

BATCH = 1000
FIRST_CHUNK = 50
PARALLEL_FROM = 400
"""Fewer files than this to parse are parsed in this process: a pool costs more."""

_SCHEMA_SQL = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE article (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    relpath TEXT NOT NULL UNIQUE,
    size INTEGER NOT NULL,
    mtime_ns INTEGER NOT NULL,
    identity TEXT NOT NULL,
    title TEXT NOT NULL,
    date TEXT,
    date_day_only INTEGER NOT NULL DEFAULT 0,
    date_source TEXT,
    sort_key REAL NOT NULL,
    tags TEXT NOT NULL,
    author TEXT,
    source TEXT,
    summary TEXT,
    lang TEXT,
    draft INTEGER NOT NULL DEFAULT 0,
    link TEXT,
    format TEXT NOT NULL,
    words INTEGER NOT NULL,
    text_key TEXT NOT NULL DEFAULT '',
    terms TEXT NOT NULL DEFAULT '',
    topics TEXT NOT NULL DEFAULT ''
);
CREATE TABLE term_docs (term TEXT PRIMARY KEY, docs INTEGER NOT NULL) WITHOUT ROWID;
CREATE INDEX article_order ON article (sort_key DESC, title COLLATE NOCASE, relpath);
CREATE TABLE skipped (
    relpath TEXT PRIMARY KEY,
    size INTEGER NOT NULL,
    mtime_ns INTEGER NOT NULL,
    reason TEXT NOT NULL
);
"""
_FTS_SQL = (
    "CREATE VIRTUAL TABLE article_text USING fts5("
    "title, tags, author, source, body, tokenize = 'ascii', content = '')"
)
"""Contentless: the words are indexed, the text stays on disk. A row is never deleted
(SQLite before 3.43 cannot); an article that changes gets a new id instead, and an
id no longer in ``article`` is ignored. Too many such dead rows rebuild the index."""
_FTS_TUNE = "INSERT INTO article_text (article_text, rank) VALUES ('automerge', 8)"
"""Merge segments 8 at a time rather than 4: a first index 15 % faster, searches as fast."""
_PLAIN_TEXT_SQL = (
    "CREATE TABLE article_text (rowid INTEGER PRIMARY KEY, "
    "title TEXT, tags TEXT, author TEXT, source TEXT, body TEXT)"
)
"""Without FTS5, the folded text is kept and scanned instead."""
LOCK_TIMEOUT = 10.0
"""Seconds to wait for another copy of aireader writing the cache."""
DEAD_LIMIT = 5_000
"""Dead full-text rows above this, and above a quarter of the articles, rebuild the index."""


def _probe_fts5() -> bool:
    conn = sqlite3.connect(":memory:")
    try:
        if any("FTS5" in option for (option,) in conn.execute("PRAGMA compile_options")):
            return True  # built in: the cheap answer
        conn.execute("CREATE VIRTUAL TABLE t USING fts5(a)")  # or loaded some other way
    except sqlite3.Error:
        return False
    finally:
        conn.close()
    return True


HAS_FTS5 = _probe_fts5()
_MEMORY = itertools.count(1)
_LINK_TARGET = re.compile(r"\]\([^()\s]*(?:\s+\"[^\"]*\")?\)")  # linear: no "(" inside

_COLUMNS = (
    "relpath, size, mtime_ns, identity, title, date, date_day_only, date_source, sort_key, "
    "tags, author, source, summary, lang, draft, link, format, words"
)
_ORDER = "ORDER BY sort_key DESC, title COLLATE NOCASE, relpath"


def index_path(root: Path, cache_dir: Path) -> Path:
    """The cache file for ``root``: readable name, unique by full path."""
    digest = hashlib.sha1(str(root).encode("utf-8", "surrogateescape")).hexdigest()[:16]
    name = re.sub(r"[^A-Za-z0-9_.-]+", "-", root.name)[:40] or "root"
    return cache_dir / "index" / f"{name}-{digest}.sqlite3"


class SyncResult(Record):
    """What a sync found changed on disk."""

    __slots__ = ("added", "changed", "removed", "unchanged")
    added: int
    changed: int
    removed: int
    unchanged: int

    def __init__(
        self, added: int = 0, changed: int = 0, removed: int = 0, unchanged: int = 0
    ) -> None:
        set_ = object.__setattr__
        set_(self, "added", added)
        set_(self, "changed", changed)
        set_(self, "removed", removed)
        set_(self, "unchanged", unchanged)

    @property
    def any(self) -> bool:
        return bool(self.added or self.changed or self.removed)


class SyncCancelled(Exception):
    """A sync stopped because it was asked to; what it had written is kept."""


def _for_index(path: Path, root: Path, prefix: int) -> Article | Skipped:
    """Parse one file, body included (for the search text; the index does not keep it)."""
    from aireader.core.parse import parse_file  # loaded only when something needs parsing

    relpath = str(path)[prefix:].replace(os.sep, "/")
    return parse_file(path, root, relpath=relpath, keep_body=True)


def search_text(article: Article) -> tuple[str, str, str, str, str]:
    """What the full-text index holds for an article, per column (see :mod:`words`)."""
    from aireader.core.words import fold  # only where files are parsed

    return (
        fold(article.title),
        fold(" ".join(article.tags)),
        fold(article.author or ""),
        fold(article.source or ""),
        fold(_LINK_TARGET.sub("]", article.body)),  # link targets are not prose
    )


def _parse_chunk(
    paths: Sequence[str],
    root: str,
    first_id: int,
    shards: Sequence[str] = (),
    previous: dict[str, tuple[int, str]] | None = None,
) -> list[tuple[object, ...]]:
    """Parse a chunk of files into index rows (in a worker process, or in this one).

    Rows, not objects, cross the process boundary: they pickle in a fraction of
    the time. An article's row is its id, its 18 columns and the key of its
    search text, followed by its 5 search-text columns, unless the text is
    already in the index or ``shards`` are given. With shards the text goes
    straight into one of those full-text files, so that parallel workers build
    the search index in parallel too. A skipped file's row is ``(relpath, reason)``.

    File ``n`` of the chunk gets the id ``first_id + n``, unless ``previous``
    (relpath → id and text key, for files already indexed) shows its search text
    is unchanged: then it keeps its id and its text is not written again (a file
    touched, or copied back, costs no index space).
    """
    base = Path(root)
    prefix = len(root) + 1
    previous = previous or {}
    out: list[tuple[object, ...]] = []
    texts: list[tuple[object, ...]] = []
    for n, p in enumerate(paths):
        path = Path(p)
        result = _for_index(path, base, prefix)
        if isinstance(result, Article):
            text = search_text(result)
            key = _text_key(text)
            row = _article_to_row(result, _stat_key(path))
            terms = _terms(result)
            old = previous.get(result.relpath)
            if old is not None and old[1] == key:
                out.append((old[0], *row, key, terms))
            elif shards:
                out.append((first_id + n, *row, key, terms))
                texts.append((first_id + n, *text))
            else:
                out.append((first_id + n, *row, key, terms, *text))
        else:
            out.append((result.relpath, result.reason))
    if texts:
        _write_shard(shards, texts)
    return out


def _keys_of(terms: str) -> list[str]:
    from aireader.core.keyterms import keys_of  # the word lists load only when needed

    return keys_of(terms)


def _terms(article: Article) -> str:
    """Candidate key terms of an article with no tags, packed (see :mod:`keyterms`);
    "" for a tagged one: its tags say what it is about.

    From the text the reading pane shows: its title, then its body (which holds no
    copy of the title, nor the page's furniture).
    """
    if article.tags:
        return ""
    from aireader.core.keyterms import candidates, pack

    return pack(candidates(article.title, f"{article.title}\n\n{article.body}"))


def _text_key(text: tuple[str, ...]) -> str:
    digest = hashlib.blake2b(digest_size=12)
    for column in text:
        digest.update(column.encode("utf-8", "surrogatepass"))
        digest.update(b"\0")
    return digest.hexdigest()


_INSERT_TEXT = (
    "INSERT INTO article_text (rowid, title, tags, author, source, body) VALUES (?, ?, ?, ?, ?, ?)"
)
_SHARD_CONNECTIONS: dict[str, sqlite3.Connection] = {}


def _shard(path: str) -> sqlite3.Connection:
    conn = _SHARD_CONNECTIONS.get(path)
    if conn is None:
        conn = sqlite3.connect(path, isolation_level=None, timeout=0)
        conn.execute("PRAGMA synchronous = OFF")
        _SHARD_CONNECTIONS[path] = conn
    return conn


def _write_shard(shards: Sequence[str], texts: list[tuple[object, ...]]) -> None:
    """Add rows to whichever full-text shard no other worker is writing (else wait)."""
    start = os.getpid() % len(shards)
    order = [*shards[start:], *shards[:start]]
    for path in order:
        conn = _shard(path)
        try:
            conn.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError:
            continue  # busy: another worker has it
        break
    else:
        conn = _shard(order[0])
        conn.execute("PRAGMA busy_timeout = 600000")
        conn.execute("BEGIN IMMEDIATE")
        conn.execute("PRAGMA busy_timeout = 0")
    try:
        conn.executemany(_INSERT_TEXT, texts)
        conn.execute("COMMIT")
    except BaseException:
        conn.execute("ROLLBACK")
        raise


def _start_pool(
    workers: int,
    chunks: list[list[str]],
    root: str,
    first_ids: list[int],
    shards: list[str],
    previous: list[dict[str, tuple[int, str]]],
) -> tuple[Executor, Iterator[list[tuple[object, ...]]]]:
    """Start worker processes and hand them every chunk.

    Helper processes (the fork server, the resource tracker) inherit standard
    error; under a full-screen UI that is the terminal (or no real file at all),
    so they get the null device instead while they start.
    """
    import multiprocessing  # only a big sync needs processes
    from concurrent.futures import ProcessPoolExecutor

    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["aireader.core.index", "aireader.core.parse"])
    with open(os.devnull, "w") as null, contextlib.redirect_stderr(null):
        pool = ProcessPoolExecutor(max_workers=workers, mp_context=context)
        try:
            n = len(chunks)
            results = pool.map(_parse_chunk, chunks, [root] * n, first_ids, [shards] * n, previous)
        except BaseException:
            pool.shutdown(wait=False, cancel_futures=True)
            raise
    return pool, results


class Index:
    """The cache of one library folder. Not thread-safe: use it from one thread, and
    give another thread its own :meth:`reader`."""

    def __init__(
        self, conn: sqlite3.Connection, root: Path, path: Path | None, *, fts: bool, uri: str
    ) -> None:
        self._conn = conn
        self.root = root
        self.path = path
        self.fts = fts
        """True when words are looked up in an FTS5 index; False: a plain scan."""
        self._uri = uri
        self._term_docs: Counter[str] = Counter()
        """Changes to the document counts of candidate terms, not yet written."""
        self._to_derive: set[int] = set()
        """Untagged articles written whose topics are still to derive."""

    # -- opening -----------------------------------------------------------

    @classmethod
    def open(
        cls, root: Path, cache_dir: Path, *, timeout: float = LOCK_TIMEOUT, fts: bool | None = None
    ) -> Index:
        """Open the cache for ``root``; a missing, damaged or stale one starts empty.

        If the cache cannot be written at all, or another process holds it for
        longer than ``timeout`` seconds, the index lives in memory (the other
        process's cache is left alone). ``fts=False`` forces the plain-scan
        search (as on a Python whose SQLite lacks FTS5).
        """
        use_fts = HAS_FTS5 if fts is None else fts and HAS_FTS5
        root = root.resolve()
        path = index_path(root, cache_dir)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            return cls._make(path, root, timeout, use_fts)
        except sqlite3.OperationalError as exc:
            if "locked" in str(exc).lower() or "busy" in str(exc).lower():
                return cls._make(None, root, timeout, use_fts)
        except (sqlite3.Error, OSError):
            pass
        for stale in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
            with contextlib.suppress(OSError):
                stale.unlink(missing_ok=True)
        try:
            return cls._make(path, root, timeout, use_fts)
        except (sqlite3.Error, OSError):
            return cls._make(None, root, timeout, use_fts)

    @classmethod
    def _make(cls, path: Path | None, root: Path, timeout: float, fts: bool) -> Index:
        if path is None:  # named, so that a reader in another thread can share it
            uri = f"file:aireader-index-{next(_MEMORY)}?mode=memory&cache=shared"
        else:
            uri = path.as_uri()
        conn = cls._connect(uri, root, timeout, fts, path)
        return cls(conn, root, path, fts=fts, uri=uri)

    @staticmethod
    def _connect(
        uri: str, root: Path, timeout: float, fts: bool, path: Path | None = None
    ) -> sqlite3.Connection:
        conn = sqlite3.connect(
            uri, isolation_level=None, check_same_thread=False, timeout=timeout, uri=True
        )
        try:
            conn.execute(f"PRAGMA busy_timeout = {int(timeout * 1000)}")
            conn.execute("PRAGMA journal_mode = WAL")
            conn.execute("PRAGMA synchronous = OFF")  # a cache: a torn write costs a rebuild
            conn.execute("PRAGMA temp_store = MEMORY")
            want = {
                "schema": str(SCHEMA),
                "parser": PARSER_VERSION,
                "root": os.fsencode(root).decode("utf-8", "backslashreplace"),
                "text": "fts5" if fts else "plain",
            }
            tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master")}
            if "meta" in tables:
                have = dict(conn.execute("SELECT key, value FROM meta").fetchall())
                dead = int(have.get("dead", "0") or 0)
                shards = _shard_paths(path, int(have.get("shards", "0") or 0))
                if (
                    all(have.get(k) == v for k, v in want.items())
                    and all(os.path.exists(p) for p in shards)
                    and (
                        dead <= DEAD_LIMIT
                        or dead * 4 <= conn.execute("SELECT count(*) FROM article").fetchone()[0]
                    )
                ):
                    _attach(conn, shards)
                    return conn
                conn.execute("BEGIN IMMEDIATE")
                for table in ("meta", "article", "skipped", "article_text", "term_docs"):
                    conn.execute(f"DROP TABLE IF EXISTS {table}")
                conn.execute("DELETE FROM sqlite_sequence WHERE name = 'article'")
                conn.execute("COMMIT")
                _delete_shards(path)
            conn.execute("BEGIN IMMEDIATE")
            for statement in _SCHEMA_SQL.split(";"):
                if statement.strip():
                    conn.execute(statement)
            conn.execute(_FTS_SQL if fts else _PLAIN_TEXT_SQL)
            if fts:
                conn.execute(_FTS_TUNE)
            rows = [*want.items(), ("dead", "0"), ("shards", "0")]
            conn.executemany("INSERT INTO meta VALUES (?, ?)", rows)
            conn.execute("COMMIT")
        except BaseException:
            conn.close()
            raise
        return conn

    def reader(self) -> Index:
        """A second, read-only handle on the same cache, for use in another thread."""
        conn = sqlite3.connect(
            self._uri, isolation_level=None, check_same_thread=False, timeout=10.0, uri=True
        )
        _attach(conn, self._shards())
        conn.execute("PRAGMA query_only = ON")
        return Index(conn, self.root, self.path, fts=self.fts, uri=self._uri)

    def close(self) -> None:
        self._conn.close()

    def wait_for_locks(self, timeout: float) -> None:
        """Wait up to ``timeout`` seconds for another process's lock from now on."""
        self._conn.execute(f"PRAGMA busy_timeout = {int(timeout * 1000)}")

    # -- reading -----------------------------------------------------------

    def count(self) -> int:
        return int(self._conn.execute("SELECT count(*) FROM article").fetchone()[0])

    def articles(self, limit: int | None = None, ids: list[int] | None = None) -> list[Article]:
        """Every indexed article (or the first ``limit``), newest first, without bodies.

        Their index ids, which full-text matches are given in, are appended to ``ids``.
        """
        sql = f"SELECT id, {_COLUMNS}, topics FROM article {_ORDER}"
        if limit is not None:
            sql += f" LIMIT {int(limit)}"
        root = self.root
        out = []
        for row in self._conn.execute(sql):
            out.append(_row_to_article(row[1:], root))
            if ids is not None:
                ids.append(row[0])
        return out

    def skipped(self) -> list[Skipped]:
        rows = self._conn.execute("SELECT relpath, reason FROM skipped ORDER BY relpath")
        return [Skipped(self.root / rel, rel, reason) for rel, reason in rows]

    def query(self, sql: str, params: Sequence[object] = ()) -> list[tuple[object, ...]]:
        """Rows of a read-only statement on the index (for queries built elsewhere)."""
        return list(self._conn.execute(sql, params))

    def text_tables(self) -> list[str]:
        """The schemas holding full-text tables: ``main`` and each attached shard."""
        attached = {row[1] for row in self._conn.execute("PRAGMA database_list")}
        return ["main"] + [f"t{k}" for k in range(len(self._shards())) if f"t{k}" in attached]

    def match_ranked(self, expression: str, limit: int) -> list[tuple[int, float, bool]] | None:
        """Every match with its BM25 score and whether the title or tags matched, in
        one pass; ``None`` as soon as there are more than ``limit`` (too many to rank:
        then :meth:`match_id_text` is the cheaper way to get them)."""
        from aireader.core.words import WEIGHTS

        weights = ", ".join(str(w) for w in WEIGHTS)
        heading = ", ".join(str(w) for w in WEIGHTS[:2]) + ", 0, 0, 0"  # title, tags only
        out: list[tuple[int, float, bool]] = []
        for db in self.text_tables():
            sql = (
                f"SELECT rowid, -bm25(article_text, {weights}), bm25(article_text, {heading}) "
                f"FROM {db}.article_text WHERE article_text MATCH ? LIMIT ?"
            )
            rows = self._conn.execute(sql, (expression, limit + 1 - len(out))).fetchall()
            out.extend((i, score, heading_score != 0) for i, score, heading_score in rows)
            if len(out) > limit:
                return None
        return out

    def match_id_text(self, expression: str) -> list[str]:
        """Ids of the articles whose text matches, unranked, as SQLite gives them: per
        shard, one string of ids separated by commas (a third of the time of a row
        per hit, for 50,000 hits; read back as JSON, the fastest parser of numbers
        at hand). May include ids of articles no longer indexed (their text rows stay)."""
        out: list[str] = []
        for db in self.text_tables():
            sql = (
                f"SELECT group_concat(rowid, ',') FROM {db}.article_text WHERE article_text MATCH ?"
            )
            (ids,) = self._conn.execute(sql, (expression,)).fetchone()
            if ids:
                out.append(ids)
        return out

    def texts(self) -> Iterator[tuple[int, tuple[str, str, str, str, str]]]:
        """Every article's folded search text (the plain-scan engine; no FTS5)."""
        rows = self._conn.execute(
            "SELECT t.rowid, t.title, t.tags, t.author, t.source, t.body "
            "FROM article_text t JOIN article a ON a.id = t.rowid"
        )
        for row in rows:
            yield row[0], row[1:]

    # -- bringing it up to date --------------------------------------------

    def sync(
        self,
        *,
        on_progress: Callable[[int, int], None] | None = None,
        workers: int | None = None,
        cancelled: Callable[[], bool] = lambda: False,
    ) -> SyncResult:
        """Make the index match the folder. Stats every file, parses only what changed.

        ``on_progress(done, total)`` is called as files are parsed (``total`` is 0
        while the folder is still being walked: an empty index parses its first
        files as soon as they are found, so there is something to show at once).
        Folders that cannot be read are recorded as skipped. Never raises for a
        bad file.
        When ``cancelled()`` turns true the sync stops soon, keeping what it wrote:
        raises :class:`SyncCancelled`.
        """
        known: dict[str, tuple[int, int]] = {}
        previous: dict[str, tuple[int, str]] = {}
        for rel, size, mtime_ns, article_id, text_key in self._conn.execute(
            "SELECT relpath, size, mtime_ns, id, text_key FROM article"
        ):
            known[rel] = (size, mtime_ns)
            previous[rel] = (article_id, text_key)
        for rel, size, mtime_ns in self._conn.execute(
            "SELECT relpath, size, mtime_ns FROM skipped"
        ):
            known[rel] = (size, mtime_ns)

        folder_errors: list[Skipped] = []
        todo: list[str] = []
        stats: dict[str, tuple[int, int]] = {}
        seen: set[str] = set()
        unchanged = 0
        root = self.root
        prefix = len(str(root)) + 1
        early = 0  # files parsed during the walk
        for path, info in walk(root, folder_errors):
            rel = path[prefix:].replace(os.sep, "/")
            seen.add(rel)
            key = (info.st_size, min(info.st_mtime_ns, _MAX_INT64))
            if known.get(rel) == key:
                unchanged += 1
                continue
            todo.append(path)
            stats[rel] = key
            if not known and not early and len(todo) == FIRST_CHUNK:
                first = self._reserve(len(todo))
                self._write(_parse_chunk(todo, str(root), first), stats, known)
                early = len(todo)
                if on_progress is not None:
                    on_progress(early, 0)
        for error in folder_errors:
            seen.add(error.relpath)
        gone = [rel for rel in known if rel not in seen]
        added = sum(1 for rel in stats if rel not in known)

        done = early
        changed = {rel: previous[rel] for rel in stats if rel in previous}
        for batch in self._parse(todo[early:], workers, cancelled, changed):
            self._write(batch, stats, known)
            done += len(batch)
            if on_progress is not None:
                on_progress(done, len(todo))
        self._record_folder_errors(folder_errors)
        if gone:
            self._remove(gone)
        if self._term_docs or self._to_derive:
            self._derive_topics()
        return SyncResult(added, len(todo) - added, len(gone), unchanged)

    def _derive_topics(self) -> None:
        """Bring the document counts of candidate terms up to date, then the topics of
        the untagged articles written (of every one, when the library has changed
        by more than a quarter since they were last all derived)."""
        from aireader.core.keyterms import key_terms, unpack

        conn = self._conn
        changes = [(term, n) for term, n in self._term_docs.items() if n]
        self._term_docs.clear()
        to_derive, self._to_derive = self._to_derive, set()
        conn.execute("BEGIN IMMEDIATE")
        try:
            conn.executemany(
                "INSERT INTO term_docs VALUES (?, ?) "
                "ON CONFLICT (term) DO UPDATE SET docs = docs + excluded.docs",
                changes,
            )
            conn.execute("DELETE FROM term_docs WHERE docs <= 0")
            total = conn.execute("SELECT count(*) FROM article WHERE terms != ''").fetchone()[0]
            row = conn.execute("SELECT value FROM meta WHERE key = 'derived_total'").fetchone()
            before = int(row[0]) if row else 0
            if abs(total - before) * 4 > max(before, 1):
                rows = conn.execute("SELECT id, terms FROM article WHERE terms != ''").fetchall()
                conn.execute(
                    "INSERT OR REPLACE INTO meta VALUES ('derived_total', ?)", (str(total),)
                )
            else:
                rows = [
                    r
                    for i in to_derive
                    for r in conn.execute("SELECT id, terms FROM article WHERE id = ?", (i,))
                ]
            if rows:
                docs = dict(conn.execute("SELECT term, docs FROM term_docs").fetchall())
                updates = [
                    ("\t".join(key_terms(unpack(terms), docs, total)), i) for i, terms in rows
                ]
                conn.executemany("UPDATE article SET topics = ? WHERE id = ?", updates)
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise

    def _parse(
        self,
        paths: list[str],
        workers: int | None,
        cancelled: Callable[[], bool],
        previous: dict[str, tuple[int, str]],
    ) -> Iterator[list[tuple[object, ...]]]:
        cpus = workers if workers is not None else (os.cpu_count() or 1)
        root = str(self.root)
        prefix = len(root) + 1

        def before(chunk: list[str]) -> dict[str, tuple[int, str]]:
            if not previous:
                return {}
            rels = (p[prefix:].replace(os.sep, "/") for p in chunk)
            return {rel: previous[rel] for rel in rels if rel in previous}

        def here(chunk: list[str]) -> list[tuple[object, ...]]:
            return _parse_chunk(chunk, root, self._reserve(len(chunk)), (), before(chunk))

        if len(paths) < PARALLEL_FROM or cpus < 2:
            for start in range(0, len(paths), BATCH):
                if cancelled():
                    raise SyncCancelled
                yield here(paths[start : start + BATCH])
            return
        # The first few files are parsed here while the pool starts, so a first
        # screenful can be shown at once; a fresh server process forks the
        # workers, which is safe beside the UI's threads. The workers write the
        # search text into shards of their own (when the index is a file).
        yield here(paths[:FIRST_CHUNK])
        rest = paths[FIRST_CHUNK:]
        chunks = [rest[start : start + BATCH] for start in range(0, len(rest), BATCH)]
        count = min(cpus, 8)
        shards = self._ensure_shards(count) if self.fts and self.path is not None else []
        first = self._reserve(len(rest))
        first_ids = [first + n * BATCH for n in range(len(chunks))]
        try:
            pool, results = _start_pool(
                count, chunks, root, first_ids, shards, [before(c) for c in chunks]
            )
        except (OSError, ValueError, RuntimeError):  # no processes here: parse in this one
            for chunk in chunks:
                if cancelled():
                    raise SyncCancelled from None
                yield here(chunk)
            return
        from concurrent.futures.process import BrokenProcessPool  # loaded with the pool

        done = 0
        try:
            for rows in results:
                if cancelled():
                    raise SyncCancelled
                done += 1
                yield rows
        except BrokenProcessPool:  # a worker died (killed, out of memory): finish here
            for chunk in chunks[done:]:
                if cancelled():
                    raise SyncCancelled from None
                yield here(chunk)
        finally:
            pool.shutdown(wait=False, cancel_futures=True)

    def _reserve(self, count: int) -> int:
        """Set aside ``count`` new article ids, for good: the first of them.

        Committed before any text is written under them, so an id is never used
        twice, even when a sync is cut short.
        """
        conn = self._conn
        conn.execute("BEGIN IMMEDIATE")
        try:
            row = conn.execute("SELECT seq FROM sqlite_sequence WHERE name = 'article'").fetchone()
            last = int(row[0]) if row else 0
            if row:
                conn.execute(
                    "UPDATE sqlite_sequence SET seq = ? WHERE name = 'article'", (last + count,)
                )
            else:
                conn.execute(
                    "INSERT INTO sqlite_sequence (name, seq) VALUES ('article', ?)", (last + count,)
                )
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        return last + 1

    def _shards(self) -> list[str]:
        row = self._conn.execute("SELECT value FROM meta WHERE key = 'shards'").fetchone()
        return _shard_paths(self.path, int(row[0]) if row else 0)

    def _ensure_shards(self, count: int) -> list[str]:
        """Full-text files for ``count`` parallel workers (made and attached if new)."""
        have = self._shards()
        if len(have) >= count:
            return have
        paths = _shard_paths(self.path, count)
        for shard in paths[len(have) :]:
            conn = sqlite3.connect(shard, isolation_level=None)
            try:
                conn.execute("PRAGMA journal_mode = WAL")
                conn.execute(
                    _FTS_SQL.replace("CREATE VIRTUAL TABLE", "CREATE VIRTUAL TABLE IF NOT EXISTS")
                )
                conn.execute(_FTS_TUNE)
            finally:
                conn.close()
        self._conn.execute("UPDATE meta SET value = ? WHERE key = 'shards'", (str(count),))
        _attach(self._conn, paths)
        return paths

    def _write(
        self,
        rows: Iterable[tuple[object, ...]],
        stats: dict[str, tuple[int, int]],
        known: Container[str] | None = None,
    ) -> None:
        """Store parsed rows (see :func:`_parse_chunk`) in one transaction, in place
        of what was stored for the same files. ``known``: the files that may have
        something stored (None: any may); the others need no looking up."""
        articles, texts, skipped = [], [], []
        for row in rows:
            if len(row) == 2:
                rel = str(row[0])
                size, mtime_ns = stats.get(rel) or _stat_key(self.root / rel)
                skipped.append((rel, size, mtime_ns, row[1]))
            else:
                articles.append(row[:_ROW])
                if len(row) > _ROW:
                    texts.append((row[0], *row[_ROW:]))
                terms = row[_ROW - 1]
                if terms:
                    self._term_docs.update(_keys_of(str(terms)))
                    self._to_derive.add(int(str(row[0])))
        rels = [(str(row[1]),) for row in articles] + [(str(row[0]),) for row in skipped]
        if known is not None:
            rels = [rel for rel in rels if rel[0] in known]
        conn = self._conn
        conn.execute("BEGIN IMMEDIATE")
        try:
            self._delete(rels, keep={int(str(row[0])) for row in articles})
            # (OR REPLACE: another copy of aireader may have stored a file since.)
            conn.executemany(
                f"INSERT OR REPLACE INTO article (id, {_COLUMNS}, text_key, terms) "
                f"VALUES ({', '.join('?' * _ROW)})",
                articles,
            )
            conn.executemany(_INSERT_TEXT.replace("article_text", "main.article_text"), texts)
            conn.executemany("INSERT OR REPLACE INTO skipped VALUES (?, ?, ?, ?)", skipped)
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise

    def _delete(self, rels: list[tuple[str]], keep: set[int] | None = None) -> None:
        """Forget files (inside a transaction). Their full-text rows stay, dead, unless the
        id is in ``keep`` (the text was unchanged); dead rows are counted."""
        conn = self._conn
        keep = keep or set()
        old: list[int] = []
        for (rel,) in rels:
            for i, terms in conn.execute("SELECT id, terms FROM article WHERE relpath = ?", (rel,)):
                old.append(i)
                if terms:
                    self._term_docs.subtract(_keys_of(terms))
        gone = [(i,) for i in old if i not in keep]
        conn.executemany("DELETE FROM article WHERE relpath = ?", rels)
        conn.executemany("DELETE FROM skipped WHERE relpath = ?", rels)
        if not self.fts:
            conn.executemany("DELETE FROM article_text WHERE rowid = ?", gone)
        elif gone:
            conn.execute(
                "UPDATE meta SET value = CAST(value AS INTEGER) + ? WHERE key = 'dead'",
                (len(gone),),
            )

    def _record_folder_errors(self, errors: list[Skipped]) -> None:
        if errors:
            self._write([(e.relpath, e.reason) for e in errors], {})

    def _remove(self, rels: list[str]) -> None:
        conn = self._conn
        conn.execute("BEGIN IMMEDIATE")
        try:
            self._delete([(r,) for r in rels])
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise


_ROW = 21
"""Columns of an article's row: its id, 18 columns, its text key, its candidate terms
(then maybe its text)."""
_MAX_INT64 = 2**63 - 1
"""A file dated after 2262 has a time in nanoseconds SQLite cannot hold: kept at this."""


def _shard_paths(index: Path | None, count: int) -> list[str]:
    """The full-text shard files of an index file (none for an index in memory)."""
    if index is None:
        return []
    return [str(index.with_name(f"{index.stem}.text-{k}{index.suffix}")) for k in range(count)]


def _delete_shards(index: Path | None) -> None:
    if index is None:
        return
    for shard in index.parent.glob(f"{index.stem}.text-*{index.suffix}*"):
        with contextlib.suppress(OSError):
            shard.unlink()


def _attach(conn: sqlite3.Connection, shards: list[str]) -> None:
    attached = {row[1] for row in conn.execute("PRAGMA database_list")}
    for k, shard in enumerate(shards):
        if f"t{k}" not in attached:
            conn.execute(f"ATTACH DATABASE ? AS t{k}", (shard,))


def _stat_key(path: Path) -> tuple[int, int]:
    try:
        info = path.stat()
    except OSError:
        return (-1, -1)
    return (info.st_size, min(info.st_mtime_ns, _MAX_INT64))


def _article_to_row(a: Article, stat_key: tuple[int, int]) -> tuple[object, ...]:
    size, mtime_ns = stat_key
    return (
        a.relpath,
        size,
        mtime_ns,
        a.identity,
        a.title,
        a.date.isoformat() if a.date else None,
        int(a.date.day_only) if a.date else 0,
        str(a.date_source) if a.date_source else None,
        a.sort_key,
        json.dumps(a.tags, ensure_ascii=False),
        a.author,
        a.source,
        a.summary,
        a.lang,
        int(a.draft),
        a.link,
        str(a.format),
        a.words,
    )


_SHARED: dict[str, str] = {}
_KEYS: dict[str, str] = {}


def _shared(text: object) -> str | None:
    """One copy of a string many articles repeat (a tag, an author, a language)."""
    if not isinstance(text, str):
        return None
    return _SHARED.setdefault(text, text)


def _tags(column: object) -> tuple[tuple[str, ...], tuple[str, ...]]:
    tags = tuple(_SHARED.setdefault(t, t) for t in json.loads(str(column)))
    keys = []
    for tag in tags:
        key = _KEYS.get(tag)
        if key is None:
            key = _KEYS[tag] = _SHARED.setdefault(tag_key(tag), tag_key(tag))
        if key not in keys:
            keys.append(key)
    return tags, tuple(keys)


def _row_to_article(row: tuple[object, ...], root: Path) -> Article:
    """An article as the list needs it: no body, no summary (both stay on disk)."""
    (rel, size, mtime_ns, identity, title, date, day_only, date_source, _sort_key, tags,
     author, source, _summary, lang, draft, link, fmt, words, topics) = row  # fmt: skip
    when = None
    if isinstance(date, str):
        try:
            when = ArticleDate(datetime.fromisoformat(date), day_only=bool(day_only))
        except ValueError:
            when = None
    assert isinstance(rel, str) and isinstance(mtime_ns, int)
    tag_names, keys = _tags(tags)
    return Article(
        location=f"{root}{os.sep}{rel}" if os.sep == "/" else str(root / rel),
        relpath=rel,
        title=str(title),
        body="",
        format=Format(str(fmt)),
        identity=str(identity),
        date=when,
        date_source=DateSource(str(date_source)) if date_source else None,
        tags=tag_names,
        tag_keys=keys,
        author=_shared(author),
        source=_shared(source),
        lang=_shared(lang),
        draft=bool(draft),
        link=link if isinstance(link, str) else None,
        size=int(size) if isinstance(size, int) else 0,
        mtime=mtime_ns / 1e9,
        words=int(words) if isinstance(words, int) else 0,
        topics=_topics(topics) if topics else (),
    )


def _topics(column: object) -> tuple[str, ...]:
    """Derived topics, stored as one string separated by tabs ("" for none)."""
    if not column or not isinstance(column, str):
        return ()
    return tuple(_SHARED.setdefault(t, t) for t in column.split("\t"))
