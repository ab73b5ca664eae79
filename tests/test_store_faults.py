"""The store under faults: kill -9 at random moments, processes writing at once, and a
file damaged while it is open.

A writer process (a script written to ``tmp_path``, using :class:`Store` directly)
does a person's actions (read, bookmark, saved searches) as fast as it can and
reports each one on stdout: ``? {action}`` before the call, ``! n time`` once
the call has returned, that is, once the action is committed. The tests compare
what the file holds with what was reported, after every kill.
"""

from __future__ import annotations

import json
import os
import random
import re
import shutil
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

import pytest

import aireader
from aireader.core.article import Article, Format
from aireader.core.store import SCHEMA_VERSION, ArticleState, Store, StoreError

SRC = Path(aireader.__file__).resolve().parents[1]

WRITER = r"""
import json, random, sys, time
from pathlib import Path

from aireader.core.article import Article, Format
from aireader.core.store import Store

db, seed, base = Path(sys.argv[1]), int(sys.argv[2]), float(sys.argv[3])
pools, size, names = sys.argv[4].split(","), int(sys.argv[5]), sys.argv[6].split(",")
seconds, wait_for_go, pause = float(sys.argv[7]), sys.argv[8] == "go", float(sys.argv[9])


def article(identity):
    return Article(f"/lib/{identity}.md", f"{identity}.md", identity, "b", Format.TEXT, identity)


rng = random.Random(seed)
store = Store.open(db)
if store.notice is not None or store.path != db:
    sys.exit(f"the store is not the file: {store.notice}")
print("ready", flush=True)
if wait_for_go:
    sys.stdin.readline()
end = time.monotonic() + seconds
n = 0
while time.monotonic() < end:
    n += 1
    roll = rng.random()
    if roll < 0.85:
        pool = rng.choice(pools)
        picked = rng.sample(range(size), rng.choice((1, 1, 1, 2, 3, 6)))
        action = {
            "k": rng.choice(("read", "bookmark")),
            "ids": [f"{pool}-{i}" for i in picked],
            "v": rng.random() < 0.6,
            "w": base + n,
        }
    elif roll < 0.95:
        action = {"k": "save", "name": rng.choice(names), "q": f"q{seed}-{n}"}
    else:
        action = {"k": "delete", "name": rng.choice(names)}
    print("? " + json.dumps(action), flush=True)
    if action["k"] == "read":
        store.set_read([article(i) for i in action["ids"]], action["v"], when=action["w"])
    elif action["k"] == "bookmark":
        store.set_bookmarked([article(i) for i in action["ids"]], action["v"], when=action["w"])
    elif action["k"] == "save":
        store.save_search(action["name"], action["q"])
    else:
        store.delete_search(action["name"])
    print(f"! {n} {time.time()!r}", flush=True)
    if rng.random() < 0.05:  # now and then a look at the list, as the app does
        store.states([article(f"{rng.choice(pools)}-{i}") for i in range(size)])
        store.saved_searches()
    if pause:
        time.sleep(rng.uniform(0, pause))
store.close()
print("done", flush=True)
"""

Key = tuple[str, str]
"""("read", identity), ("bookmark", identity) or ("search", name)."""
Value = Any
"""(flag, set_at) for read and bookmark; the query (or None: absent) for a search."""


def default(key: Key) -> Value:
    return None if key[0] == "search" else (False, None)


def effects(action: dict[str, Any]) -> list[tuple[Key, Value]]:
    """What an action sets, key by key."""
    kind = action["k"]
    if kind in ("read", "bookmark"):
        return [((kind, i), (action["v"], action["w"])) for i in action["ids"]]
    if kind == "save":
        return [(("search", action["name"]), action["q"])]
    return [(("search", action["name"]), None)]


@dataclass
class Report:
    """What one writer run said on stdout."""

    ready: bool = False
    done: bool = False
    committed: list[dict[str, Any]] = field(default_factory=list)
    times: list[float] = field(default_factory=list)
    in_flight: dict[str, Any] | None = None
    """Started and not reported back: it may or may not have been committed."""


def parse(stdout: str) -> Report:
    report = Report()
    for line in stdout.split("\n")[:-1]:  # whole lines only: a kill can cut the last one
        if line == "ready":
            report.ready = True
        elif line == "done":
            report.done = True
        elif line.startswith("? "):
            assert report.in_flight is None, "an action started before the last one returned"
            report.in_flight = json.loads(line[2:])
        elif line.startswith("! "):
            assert report.in_flight is not None, line
            report.committed.append(report.in_flight)
            report.times.append(float(line.split()[2]))
            report.in_flight = None
        else:
            raise AssertionError(f"unexpected output from the writer: {line!r}")
    return report


def snapshot(db: Path) -> dict[Key, Value]:
    """Everything the file holds, after ``PRAGMA integrity_check`` said it is sound."""
    conn = sqlite3.connect(db)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        out: dict[Key, Value] = {}
        rows = conn.execute(
            "SELECT identity, read, read_set_at, bookmarked, bookmark_set_at FROM article_state"
        )
        for identity, read, read_at, bookmarked, bookmark_at in rows:
            out[("read", identity)] = (bool(read), read_at)
            out[("bookmark", identity)] = (bool(bookmarked), bookmark_at)
        for name, query in conn.execute("SELECT name, query FROM saved_search"):
            out[("search", name)] = query
        return out
    finally:
        conn.close()


def snapshot_of_copy(db: Path, where: Path) -> dict[Key, Value]:
    """A snapshot of a copy of ``db`` and its WAL, as the next process will find them.

    Reading the file itself would checkpoint the WAL on close; the copy leaves the
    real file as the kill left it, for the next writer to recover.
    """
    shutil.rmtree(where, ignore_errors=True)
    where.mkdir(parents=True)
    copy = where / db.name
    for suffix in ("", "-wal"):  # not -shm: recovery rebuilds it, as after a crash
        source = db.with_name(db.name + suffix)
        if source.exists():
            shutil.copyfile(source, copy.with_name(copy.name + suffix))
    return snapshot(copy)


def schema_of_copy(db: Path, where: Path) -> int | None:
    """The schema version a copy of ``db`` has (None: no file yet, -1: empty file)."""
    if not db.exists():
        return None
    if db.stat().st_size == 0:
        return -1
    shutil.rmtree(where, ignore_errors=True)
    where.mkdir(parents=True)
    copy = where / db.name
    for suffix in ("", "-wal"):
        source = db.with_name(db.name + suffix)
        if source.exists():
            shutil.copyfile(source, copy.with_name(copy.name + suffix))
    conn = sqlite3.connect(copy)
    try:
        version: int = conn.execute("PRAGMA user_version").fetchone()[0]
        return version
    finally:
        conn.close()


class Expected:
    """For each key, the values the file may hold: one, unless an action was cut short."""

    def __init__(self) -> None:
        self.allowed: dict[Key, set[Value]] = {}

    def commit(self, action: dict[str, Any]) -> None:
        for key, value in effects(action):
            self.allowed[key] = {value}

    def maybe(self, action: dict[str, Any]) -> None:
        for key, value in effects(action):
            self.allowed.setdefault(key, {default(key)}).add(value)

    def check(self, actual: dict[Key, Value], in_flight: dict[str, Any] | None) -> None:
        """Every reported action is there; then what the file holds is taken as settled."""
        wrong = []
        for key in self.allowed.keys() | actual.keys():
            got = actual.get(key, default(key))
            allowed = self.allowed.get(key, {default(key)})
            if got not in allowed:
                wrong.append((key, got, allowed))
        assert wrong == [], f"{len(wrong)} values lost or wrong, e.g. {wrong[:3]}"
        if in_flight is not None:
            # An action is one transaction: all of it landed, or none.
            landed = [actual.get(key, default(key)) == value for key, value in effects(in_flight)]
            assert all(landed) or not any(landed), (in_flight, landed)
        for key in self.allowed:
            self.allowed[key] = {actual.get(key, default(key))}

    def settled(self) -> dict[Key, Value]:
        assert all(len(v) == 1 for v in self.allowed.values())
        return {key: next(iter(v)) for key, v in self.allowed.items()}


class Writer:
    """A running writer process; threads drain its output so it never waits on a pipe."""

    def __init__(self, proc: subprocess.Popen[bytes]) -> None:
        self.proc = proc
        self.out: list[bytes] = []
        self.err: list[bytes] = []
        self._readers = [
            threading.Thread(target=self._drain, args=(stream, into), daemon=True)
            for stream, into in ((proc.stdout, self.out), (proc.stderr, self.err))
        ]
        for reader in self._readers:
            reader.start()

    @staticmethod
    def _drain(stream: IO[bytes] | None, into: list[bytes]) -> None:
        assert stream is not None
        for chunk in iter(lambda: os.read(stream.fileno(), 65536), b""):
            into.append(chunk)

    def wait_ready(self, timeout: float = 30.0) -> None:
        deadline = time.monotonic() + timeout
        while b"ready\n" not in b"".join(self.out):
            assert self.proc.poll() is None, f"the writer died: {self.stderr()}"
            assert time.monotonic() < deadline, "the writer never got ready"
            time.sleep(0.001)

    def go(self) -> None:
        assert self.proc.stdin is not None
        self.proc.stdin.write(b"go\n")
        self.proc.stdin.flush()

    def _finish(self, timeout: float) -> None:
        self.proc.wait(timeout)
        for reader in self._readers:
            reader.join(timeout)
        for stream in (self.proc.stdin, self.proc.stdout, self.proc.stderr):
            if stream is not None:
                stream.close()

    def stdout(self) -> str:
        return b"".join(self.out).decode()

    def stderr(self) -> str:
        return b"".join(self.err).decode(errors="replace")

    def kill(self) -> Report:
        """SIGKILL it; what it reported. It must not have died on its own before."""
        self.proc.send_signal(signal.SIGKILL)
        self._finish(30)
        assert self.proc.returncode == -signal.SIGKILL, self.stderr()
        assert "Traceback" not in self.stderr(), self.stderr()
        return parse(self.stdout())

    def finished(self, timeout: float = 90) -> Report:
        """Wait for it to end on its own: cleanly, without a word on stderr."""
        self._finish(timeout)
        assert self.proc.returncode == 0, self.stderr()
        assert self.stderr() == ""  # no "database is locked", no traceback
        report = parse(self.stdout())
        assert report.done and report.in_flight is None
        return report


Spawn = Callable[..., Writer]


@pytest.fixture
def spawn(tmp_path: Path) -> Iterator[Spawn]:
    """Start writer processes; any still running at the end is killed (by its pid)."""
    script = tmp_path / "writer.py"
    script.write_text(WRITER)
    started: list[subprocess.Popen[bytes]] = []
    env = {**os.environ, "PYTHONPATH": str(SRC)}

    def start(
        db: Path,
        seed: int,
        *,
        base: float,
        pools: str = "art",
        size: int = 60,
        names: str = "s0,s1,s2",
        seconds: float = 60.0,
        go: bool = False,
        pause: float = 0.0,
    ) -> Writer:
        args = [str(db), str(seed), str(base), pools, str(size), names, str(seconds)]
        args += ["go" if go else "-", str(pause)]
        proc = subprocess.Popen(
            [sys.executable, "-u", str(script), *args],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env=env,
        )
        started.append(proc)
        return Writer(proc)

    yield start
    for proc in started:
        if proc.poll() is None:
            proc.kill()
        proc.wait(30)


def damaged_files(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if ".damaged-" in p.name)


# ---------------------------------------------------------------------------
# kill -9 at random moments


KILLS = 60


def test_kill_9_fuzz_loses_no_reported_action(tmp_path: Path, spawn: Spawn) -> None:
    """60 writers killed at random moments, one after another, on the same file.

    Most are killed 20-150 ms after the store opened (in the middle of actions);
    about one in five at a random moment of starting up (opening the store,
    recovering the WAL the last kill left). After each kill the file must pass
    ``PRAGMA integrity_check`` and hold every action reported as done, with the
    value the last such action gave.
    """
    rng = random.Random(20240917)
    db = tmp_path / "data" / "state.sqlite3"
    db.parent.mkdir()
    expected = Expected()
    startup = 0.15  # seconds from start to "ready": measured as the test goes
    actions = early = 0
    for run in range(KILLS):
        writer = spawn(db, seed=run, base=run * 1_000_000.0)
        started = time.monotonic()
        if run > 0 and rng.random() < 0.2:
            early += 1
            time.sleep(rng.uniform(0.0, startup * 1.2))
        else:
            writer.wait_ready()
            startup = 0.7 * startup + 0.3 * (time.monotonic() - started)
            time.sleep(rng.uniform(0.02, 0.15))
        report = writer.kill()
        actions += len(report.committed)
        for action in report.committed:
            expected.commit(action)
        if report.in_flight is not None:
            expected.maybe(report.in_flight)
        assert damaged_files(db.parent) == [], f"run {run}: the store was moved aside"
        if db.exists():
            expected.check(snapshot_of_copy(db, tmp_path / "check"), report.in_flight)
    assert actions > 2 * KILLS, f"only {actions} actions in {KILLS} runs: the test tested little"
    assert early > 0

    # Last, through the store itself, as the app will open it.
    store = Store.open(db)
    try:
        assert store.notice is None
        settled = expected.settled()
        identities = sorted({key[1] for key in settled if key[0] != "search"})
        articles = [Article(f"/lib/{i}.md", f"{i}.md", i, "b", Format.TEXT, i) for i in identities]
        states = store.states(articles)
        for identity in identities:
            read, read_at = settled.get(("read", identity), (False, None))
            bookmarked, bookmark_at = settled.get(("bookmark", identity), (False, None))
            want = ArticleState(read, read_at, bookmarked, bookmark_at)
            assert states.get(identity, ArticleState()) == want, identity
        searches = {s.name: s.query for s in store.saved_searches()}
        assert searches == {k[1]: v for k, v in settled.items() if k[0] == "search" and v}
    finally:
        store.close()
    assert damaged_files(db.parent) == []


def test_kill_9_while_the_store_is_first_created(tmp_path: Path, spawn: Spawn) -> None:
    """A first run killed while it creates the file (WAL switch, schema) leaves a
    file the next run opens as it is: not taken for damaged, not moved aside."""
    rng = random.Random(99)

    def started_creating(writer: Writer, db: Path) -> float:
        """Wait until the writer has made the data folder (the file comes next)."""
        deadline = time.monotonic() + 30
        while not db.parent.exists():
            assert writer.proc.poll() is None, writer.stderr()
            assert time.monotonic() < deadline, "it never started"
            time.sleep(0.0005)
        return time.monotonic()

    # How long creating the store takes here, from the folder to "ready".
    probe = tmp_path / "probe" / "state.sqlite3"
    first = spawn(probe, seed=0, base=0.0)
    made = started_creating(first, probe)
    first.wait_ready()
    window = time.monotonic() - made
    first.kill()
    found = []
    for round_ in range(16):
        db = tmp_path / f"round-{round_}" / "state.sqlite3"
        writer = spawn(db, seed=round_, base=0.0)
        started_creating(writer, db)
        time.sleep(rng.uniform(0.0, 1.2) * window)
        writer.kill()
        found.append(schema_of_copy(db, tmp_path / "check"))
        assert damaged_files(db.parent) == []
        store = Store.open(db)
        try:
            assert store.notice is None
            assert store.path == db
            a = Article("/lib/x.md", "x.md", "x", "b", Format.TEXT, "x")
            store.set_read([a], True, when=5.0)
            assert store.states([a])["x"] == ArticleState(True, 5.0)
        finally:
            store.close()
        assert damaged_files(db.parent) == []
        with sqlite3.connect(db) as conn:
            assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        conn.close()
    # (found holds what each kill left: None no file, -1 empty, else the schema
    # version; it varies from run to run, all of them must open cleanly)
    assert any(version is not None for version in found), found


# ---------------------------------------------------------------------------
# Two processes at once


def last_values(report: Report) -> dict[Key, Value]:
    last: dict[Key, Value] = {}
    for action in report.committed:
        for key, value in effects(action):
            last[key] = value
    return last


def test_two_processes_writing_for_seconds_lose_nothing(tmp_path: Path, spawn: Spawn) -> None:
    """Two writers, started together on a file neither has made yet, each act for
    3 s on their own articles and on shared ones, and on saved searches of the
    same names. Neither sees an error; each one's last word on its own things
    stands; on shared things the file holds one of the two last words."""
    db = tmp_path / "data" / "state.sqlite3"
    procs = {
        "alpha": spawn(
            db, 1, base=1e6, pools="alpha,shared", size=40, names="a0,a1,s0,s1", seconds=3.0,
            go=True, pause=0.004,
        ),
        "beta": spawn(
            db, 2, base=2e6, pools="beta,shared", size=40, names="b0,b1,s0,s1", seconds=3.0,
            go=True, pause=0.004,
        ),
    }  # fmt: skip
    for writer in procs.values():
        writer.wait_ready(timeout=60)
    for writer in procs.values():  # both start acting at the same moment
        writer.go()
    reports = {name: writer.finished() for name, writer in procs.items()}
    for name, report in reports.items():
        assert len(report.committed) >= 20, f"{name} did only {len(report.committed)} actions"
    alpha, beta = reports["alpha"], reports["beta"]
    # They really wrote at the same time: their spans of commits overlap.
    assert max(alpha.times[0], beta.times[0]) < min(alpha.times[-1], beta.times[-1])

    a_last, b_last = last_values(alpha), last_values(beta)
    actual = snapshot(db)
    wrong = []
    for key in a_last.keys() | b_last.keys() | actual.keys():
        allowed = [last[key] for last in (a_last, b_last) if key in last] or [default(key)]
        got = actual.get(key, default(key))
        if got not in allowed:
            wrong.append((key, got, allowed))
    assert wrong == [], f"{len(wrong)} values lost or wrong, e.g. {wrong[:3]}"
    both = a_last.keys() & b_last.keys()
    assert any(k[0] == "search" for k in both), "the writers never saved under the same name"
    assert any(k[1].startswith("shared-") for k in both), "they never touched the same article"
    assert damaged_files(db.parent) == []


def test_copies_started_together_after_a_kill(tmp_path: Path, spawn: Spawn) -> None:
    """After a kill -9 (a WAL to recover), three copies start at once on the file:
    each opens it, works and exits without an error, and nothing reported is lost,
    neither the killed writer's actions nor theirs."""
    rng = random.Random(77)
    db = tmp_path / "data" / "state.sqlite3"
    expected = Expected()
    for round_ in range(8):
        victim = spawn(db, 1000 + round_, base=round_ * 1e6, pools="k", size=30, names="k0,k1")
        victim.wait_ready()
        time.sleep(rng.uniform(0.02, 0.1))
        killed = victim.kill()
        for action in killed.committed:
            expected.commit(action)
        if killed.in_flight is not None:
            expected.maybe(killed.in_flight)
        assert db.with_name(db.name + "-wal").exists()  # left for the copies to recover
        copies = [
            spawn(
                db, 2000 + 10 * round_ + c, base=round_ * 1e6 + (c + 1) * 1e5,
                pools=f"c{c}", size=10, names=f"c{c}", seconds=0.2,
            )
            for c in range(3)
        ]  # fmt: skip
        for copy in copies:
            report = copy.finished()
            assert report.committed
            for action in report.committed:
                expected.commit(action)
        expected.check(snapshot(db), killed.in_flight)
        assert damaged_files(db.parent) == []


# ---------------------------------------------------------------------------
# Damaged while open


def damage_under(db: Path) -> None:
    """Overwrite every page but the first with noise, while a store has the file open.

    Another connection first writes and checkpoints, as another copy of aireader
    would: the open store then re-reads the file instead of trusting its cache.
    """
    conn = sqlite3.connect(db)
    try:
        conn.execute("INSERT INTO saved_search VALUES ('other copy', 'x', 0)")
        conn.commit()
        assert conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()[0] == 0
    finally:
        conn.close()
    size = db.stat().st_size
    with db.open("r+b") as f:
        f.seek(4096)
        f.write(random.Random(11).randbytes(size - 4096))


@pytest.mark.parametrize(
    "call",
    [
        lambda s, a: s.set_read([a], True),
        lambda s, a: s.set_bookmarked([a], True),
        lambda s, a: s.states([a]),
        lambda s, a: s.save_search("n", "q"),
        lambda s, a: s.saved_searches(),
        lambda s, a: s.delete_search("n"),
    ],
    ids=["read", "bookmark", "states", "save", "searches", "delete"],
)
def test_a_file_damaged_while_open_gives_store_errors(
    tmp_path: Path, call: Callable[[Store, Article], object]
) -> None:
    """Every call says so as a StoreError (what the app reports to the user), never
    as a raw sqlite3 error (which the app's writer thread does not expect)."""
    db = tmp_path / "data" / "state.sqlite3"
    store = Store.open(db)
    try:
        filler = [
            Article(f"/l/{i}.md", "x.md", "t", "b", Format.TEXT, f"f{i}") for i in range(2000)
        ]
        store.set_read(filler, True)
        store.save_search("n", "q")
        damage_under(db)
        with pytest.raises(StoreError, match=re.escape(str(db))):
            call(store, Article("/l/new.md", "new.md", "t", "b", Format.TEXT, "new"))
    finally:
        store.close()
    # The next start sets the damaged file aside, as for any damaged file.
    again = Store.open(db)
    try:
        assert again.notice is not None and "moved to" in again.notice
    finally:
        again.close()
