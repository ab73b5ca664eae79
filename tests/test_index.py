"""The index cache: current after every kind of change, disposable, and the same
whether files were parsed here or in worker processes."""

from __future__ import annotations

import os
import shutil
import sqlite3
from pathlib import Path

import pytest

from aireader.core import index as index_module
from aireader.core.index import Index, SyncResult, index_path
from aireader.core.library import load_library
from aireader.core.query import parse
from aireader.core.search import Search


def write(folder: Path, rel: str, title: str, body: str = "Body text.", tags: str = "") -> Path:
    path = folder / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    extra = f"tags: [{tags}]\n" if tags else ""
    path.write_text(f"---\ntitle: {title}\ndate: 2024-03-0{len(rel) % 9 + 1}\n{extra}---\n{body}\n")
    return path


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    lib = tmp_path / "lib"
    write(lib, "a.md", "Alpha", tags="x, y")
    write(lib, "sub/b.md", "Beta")
    (lib / "broken.md").write_text("---\ntitle: [unclosed\n---\nbody\n")
    return lib


@pytest.fixture
def cache(tmp_path: Path) -> Path:
    return tmp_path / "cache"


def titles(index: Index) -> set[str]:
    return {a.title for a in index.articles()}


def test_first_sync_indexes_everything_and_records_skips(folder: Path, cache: Path) -> None:
    index = Index.open(folder, cache)
    assert index.sync() == SyncResult(added=3)
    assert titles(index) == {"Alpha", "Beta"}
    (skip,) = index.skipped()
    assert skip.relpath == "broken.md" and "YAML" in skip.reason
    alpha = next(a for a in index.articles() if a.title == "Alpha")
    assert alpha.tags == ("x", "y") and alpha.tag_keys == ("x", "y")
    assert alpha.body == ""  # the text stays on disk


def test_indexed_articles_match_a_direct_parse(folder: Path, cache: Path) -> None:
    index = Index.open(folder, cache)
    index.sync()
    direct = {a.relpath: a for a in load_library(folder).articles}
    for cached in index.articles():
        fresh = direct[cached.relpath]
        for name in ("title", "identity", "date", "date_source", "tags", "words", "path"):
            assert getattr(cached, name) == getattr(fresh, name), name


def test_nothing_changed_parses_nothing(
    folder: Path, cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    Index.open(folder, cache).sync()
    parsed: list[str] = []
    real = index_module._for_index
    monkeypatch.setattr(
        index_module, "_for_index", lambda p, r, n: parsed.append(str(p)) or real(p, r, n)
    )
    assert Index.open(folder, cache).sync() == SyncResult(unchanged=3)
    assert parsed == []


def test_a_changed_file_is_parsed_again(folder: Path, cache: Path) -> None:
    index = Index.open(folder, cache)
    index.sync()
    path = write(folder, "a.md", "Alpha, revised", body="Longer body text now.")
    os.utime(path, ns=(1, 1_000_000_000))
    assert index.sync() == SyncResult(changed=1, unchanged=2)
    assert titles(index) == {"Alpha, revised", "Beta"}


def test_a_deleted_file_leaves_the_index(folder: Path, cache: Path) -> None:
    index = Index.open(folder, cache)
    index.sync()
    (folder / "sub" / "b.md").unlink()
    (folder / "broken.md").unlink()
    assert index.sync() == SyncResult(removed=2, unchanged=1)
    assert titles(index) == {"Alpha"}
    assert index.skipped() == []


def test_a_renamed_file_keeps_its_identity(folder: Path, cache: Path) -> None:
    index = Index.open(folder, cache)
    index.sync()
    before = {a.title: a.identity for a in index.articles()}
    (folder / "sub" / "b.md").rename(folder / "b-moved.md")
    assert index.sync() == SyncResult(added=1, removed=1, unchanged=2)
    after = {a.title: (a.identity, a.relpath) for a in index.articles()}
    assert after["Beta"] == (before["Beta"], "b-moved.md")


def test_a_deleted_cache_is_rebuilt(folder: Path, cache: Path) -> None:
    Index.open(folder, cache).sync()
    shutil.rmtree(cache)
    index = Index.open(folder, cache)
    assert index.articles() == []
    assert index.sync().added == 3
    assert titles(index) == {"Alpha", "Beta"}


def test_a_damaged_cache_is_rebuilt_quietly(folder: Path, cache: Path) -> None:
    index = Index.open(folder, cache)
    index.sync()
    index.close()
    index_path(folder.resolve(), cache).write_bytes(b"not a database at all" * 100)
    index = Index.open(folder, cache)
    assert index.path is not None  # still on disk, not in memory
    assert index.sync().added == 3


def test_a_new_parser_version_redoes_every_entry(
    folder: Path, cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    Index.open(folder, cache).sync()
    monkeypatch.setattr(index_module, "PARSER_VERSION", "test-next")
    index = Index.open(folder, cache)
    assert index.articles() == []
    assert index.sync().added == 3


def test_an_unwritable_cache_folder_still_works_in_memory(folder: Path, tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the cache folder should be")
    index = Index.open(folder, blocker)
    assert index.path is None
    assert index.sync().added == 3


def found(index: Index, text: str) -> set[str]:
    """Relpaths of the articles a search finds."""
    ids: list[int] = []
    articles = index.articles(ids=ids)
    return {articles[i].relpath for i in Search(index, articles, ids, {}).run(parse(text))}


def test_worker_processes_give_the_same_index(
    folder: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for i in range(60):
        write(folder, f"many/{i:03d}.md", f"Many {i}", f"Word{i % 7} common", tags="bulk")
    serial = Index.open(folder, tmp_path / "serial")
    serial.sync(workers=1)
    parallel = Index.open(folder, tmp_path / "parallel")
    monkeypatch.setattr(index_module, "PARALLEL_FROM", 10)
    monkeypatch.setattr(index_module, "FIRST_CHUNK", 5)
    monkeypatch.setattr(index_module, "BATCH", 8)  # several chunks: both workers, both shards
    parallel.sync(workers=2)
    assert [a.relpath for a in serial.articles()] == [a.relpath for a in parallel.articles()]
    assert [a.identity for a in serial.articles()] == [a.identity for a in parallel.articles()]
    assert serial.skipped() == parallel.skipped()
    # The workers wrote the search text into shards of their own.
    assert parallel.path is not None
    shards = sorted(parallel.path.parent.glob("*.text-*.sqlite3"))
    assert len(shards) == 2
    for query in ("word3", "common", "alpha", "tag:bulk word1", "many -word2", "title:beta"):
        assert found(serial, query) == found(parallel, query), query
    assert len(found(parallel, "word3")) == 9  # i % 7 == 3 for i < 60
    # Reopened (as the next start does), the shards are still searched.
    parallel.close()
    again = Index.open(folder, tmp_path / "parallel")
    assert len(found(again, "word3")) == 9


def test_a_touched_file_keeps_its_id_and_an_edited_one_drops_its_old_words(
    folder: Path, cache: Path
) -> None:
    index = Index.open(folder, cache)
    index.sync()
    ids: list[int] = []
    before = dict(zip([a.relpath for a in index.articles(ids=ids)], ids, strict=True))
    path = folder / "a.md"
    os.utime(path, (1_700_000_000, 1_700_000_000))  # same text, new time
    assert index.sync().changed == 1
    ids = []
    after = dict(zip([a.relpath for a in index.articles(ids=ids)], ids, strict=True))
    assert after == before
    assert dead_rows(index) == 0
    write(folder, "a.md", "Alpha", body="Completely different words now.", tags="x, y")
    index.sync()
    assert found(index, "different") == {"a.md"}
    assert found(index, "body") == {"sub/b.md"}  # a.md's old words no longer find it
    assert dead_rows(index) == 1


def dead_rows(index: Index) -> int:
    assert index.path is not None
    with sqlite3.connect(index.path) as conn:
        return int(conn.execute("SELECT value FROM meta WHERE key = 'dead'").fetchone()[0])


def test_many_dead_rows_rebuild_the_index(
    folder: Path, cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(index_module, "DEAD_LIMIT", 3)
    index = Index.open(folder, cache)
    index.sync()
    for n in range(12):  # each edit leaves a dead full-text row behind
        write(folder, "a.md", "Alpha", body=f"Edit number {n}.")
        index.sync()
    assert dead_rows(index) == 12
    index.close()
    rebuilt = Index.open(folder, cache)
    assert rebuilt.count() == 0  # a fresh index: the next sync reads everything again
    assert rebuilt.sync().added == 3
    assert found(rebuilt, "number") == {"a.md"}
    assert dead_rows(rebuilt) == 0


def test_a_missing_shard_rebuilds_the_index(
    folder: Path, cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for i in range(30):
        write(folder, f"many/{i:03d}.md", f"Many {i}", "Shard words.")
    monkeypatch.setattr(index_module, "PARALLEL_FROM", 10)
    monkeypatch.setattr(index_module, "FIRST_CHUNK", 5)
    index = Index.open(folder, cache)
    index.sync(workers=2)
    index.close()
    for shard in (cache / "index").glob("*.text-0.sqlite3*"):
        shard.unlink()
    again = Index.open(folder, cache)
    assert again.count() == 0
    again.sync(workers=1)
    assert len(found(again, "shard")) == 30


def test_a_dying_worker_pool_finishes_the_sync_here(
    folder: Path, cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from concurrent.futures.process import BrokenProcessPool

    for i in range(40):
        write(folder, f"many/{i:03d}.md", f"Many {i}", "Pool words.")
    monkeypatch.setattr(index_module, "PARALLEL_FROM", 10)
    monkeypatch.setattr(index_module, "FIRST_CHUNK", 5)
    monkeypatch.setattr(index_module, "BATCH", 10)

    class Pool:
        def shutdown(self, **_: object) -> None:
            pass

    def broken_pool(workers, chunks, root, first_ids, shards, previous):  # type: ignore[no-untyped-def]
        def results():  # type: ignore[no-untyped-def]
            yield index_module._parse_chunk(chunks[0], root, first_ids[0], shards, previous[0])
            raise BrokenProcessPool("a worker was killed")

        return Pool(), results()

    monkeypatch.setattr(index_module, "_start_pool", broken_pool)
    index = Index.open(folder, cache)
    assert index.sync(workers=2).added == 43
    assert len(index.articles()) == 42
    assert len(found(index, "pool")) == 40


def test_progress_is_reported(folder: Path, cache: Path) -> None:
    seen: list[tuple[int, int]] = []
    Index.open(folder, cache).sync(on_progress=lambda done, total: seen.append((done, total)))
    assert seen and seen[-1] == (3, 3)


def test_the_cache_lives_where_it_is_told(folder: Path, cache: Path) -> None:
    Index.open(folder, cache).sync()
    (db,) = (cache / "index").glob("*.sqlite3")
    assert db.name.startswith("lib-")
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT count(*) FROM article").fetchone()[0] == 2


def test_worker_processes_start_under_a_full_screen_ui(folder: Path, tmp_path: Path) -> None:
    """Textual's stand-in for stderr has no file descriptor (fileno() is -1); the
    helper processes must start all the same (this once crashed the app)."""
    import subprocess
    import sys
    import textwrap

    for i in range(30):
        write(folder, f"many/{i:03d}.md", f"Many {i}")
    code = textwrap.dedent(
        f"""
        import sys
        from pathlib import Path
        from aireader.core import index as ix

        class Captured:
            def write(self, text): return len(text)
            def flush(self): pass
            def fileno(self): return -1

        sys.stderr = Captured()
        ix.PARALLEL_FROM = 5
        ix.FIRST_CHUNK = 2
        index = ix.Index.open(Path({str(folder)!r}), Path({str(tmp_path / "c")!r}))
        result = index.sync(workers=2)
        print(result.added, len(index.articles()))
        """
    )
    src = Path(index_module.__file__).resolve().parents[2]
    out = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "PYTHONPATH": str(src)},
    )
    assert out.returncode == 0, out.stderr
    assert out.stdout.split() == ["33", "32"]


def test_a_cache_another_process_is_writing_can_still_be_read(folder: Path, cache: Path) -> None:
    """Two copies of aireader on one folder: the second reads the first's cache
    (the first paint) while the first holds a write, and deletes nothing."""
    Index.open(folder, cache).sync()
    db = index_path(folder.resolve(), cache)
    holder = sqlite3.connect(db, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    holder.execute("DELETE FROM skipped")  # a write in flight, not committed
    try:
        index = Index.open(folder, cache, timeout=0.1)
        assert index.path == db
        assert {a.title for a in index.articles(limit=10)} == {"Alpha", "Beta"}
        assert len(index.skipped()) == 1
    finally:
        holder.execute("ROLLBACK")
        holder.close()
