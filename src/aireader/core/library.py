"""A folder of articles: finding the files, loading them, grouping their tags."""

from __future__ import annotations

import os
import stat
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator
from pathlib import Path

from aireader.core.article import EXTENSIONS, Article, Skipped, tag_key
from aireader.core.record import Record


class NotAFolder(ValueError):
    """The path given as a library is missing or is not a folder."""


def check_folder(path: Path) -> Path:
    """The library folder, resolved; raises :class:`NotAFolder` with a readable reason."""
    expanded = path.expanduser()
    if not expanded.exists():
        raise NotAFolder(f"no such folder: {path}")
    if not expanded.is_dir():
        raise NotAFolder(f"not a folder: {path}")
    if not os.access(expanded, os.R_OK | os.X_OK):
        raise NotAFolder(f"cannot read folder: {path}")
    return expanded.resolve()


def iter_files(root: Path, errors: list[Skipped] | None = None) -> Iterator[Path]:
    """Every article file under ``root``, recursively, in a stable order."""
    for path, _ in iter_entries(root, errors):
        yield path


def iter_entries(
    root: Path, errors: list[Skipped] | None = None
) -> Iterator[tuple[Path, os.stat_result]]:
    """Every article file under ``root`` with its ``stat``, recursively, in a stable order.

    Hidden files and folders are skipped. A symlink is followed only when its
    target lies inside ``root``; each folder and file is visited once, so link
    loops end. Folders that cannot be read, and files and folders whose names
    are not valid UTF-8, are reported in ``errors``.
    """
    for path, info in walk(root, errors):
        yield Path(path), info


def walk(root: Path, errors: list[Skipped] | None = None) -> Iterator[tuple[str, os.stat_result]]:
    """:func:`iter_entries`, with each file's path as text (a ``Path`` per file
    costs a sync of 100,000 files a second and a half)."""
    root = root.resolve()
    seen_dirs: set[tuple[int, int]] = set()
    seen_files: set[tuple[int, int]] = set()
    try:
        st = root.stat()
        seen_dirs.add((st.st_dev, st.st_ino))
    except OSError:
        return
    stack = [str(root)]
    while stack:
        folder = stack.pop()
        try:
            with os.scandir(folder) as scan:
                entries = sorted(scan, key=lambda e: e.name)
        except OSError as exc:
            if errors is not None:
                rel = Path(folder).relative_to(root).as_posix()
                errors.append(
                    Skipped(Path(folder), rel, f"cannot read folder: {exc.strerror or exc}")
                )
            continue
        subfolders = []
        for entry in entries:
            name = entry.name
            if name.startswith("."):
                continue
            try:
                if entry.is_symlink():
                    target = Path(entry.path).resolve()
                    if not target.is_relative_to(root) or not target.exists():
                        continue
                info = entry.stat()  # follows a link already known to stay inside
            except (OSError, RuntimeError):
                continue
            key = (info.st_dev, info.st_ino)
            if stat.S_ISDIR(info.st_mode):
                if key not in seen_dirs:
                    seen_dirs.add(key)
                    if _storable(name, entry.path, root, errors):
                        subfolders.append(entry.path)
            elif (
                stat.S_ISREG(info.st_mode)
                and os.path.splitext(name)[1].lower() in EXTENSIONS
                and key not in seen_files
            ):
                seen_files.add(key)
                if _storable(name, entry.path, root, errors):
                    yield entry.path, info
        stack.extend(reversed(subfolders))


def _storable(name: str, path: str, root: Path, errors: list[Skipped] | None) -> bool:
    """True when ``name`` is valid Unicode text; else report it in ``errors``.

    A name that is not valid UTF-8 (an old archive's) comes from the file system
    with surrogate escapes, which no UTF-8 text (the index, JSON, a terminal)
    can hold. It is reported under its name with the bad bytes written as ``\\xNN``.
    """
    if name.isascii():
        return True
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:
        if errors is not None:
            rel = Path(path).relative_to(root).as_posix()
            try:
                raw = rel.encode("utf-8", "surrogateescape")
            except UnicodeEncodeError:  # a lone surrogate that stands for no byte
                raw = rel.encode("utf-8", "surrogatepass")
            shown = raw.decode("utf-8", "backslashreplace")
            errors.append(
                Skipped(Path(path), shown, "name is not valid UTF-8; rename it to load it")
            )
        return False
    return True


class TagGroup(Record):
    """All spellings of one tag, shown under the most common one."""

    __slots__ = ("count", "key", "name")
    key: str
    name: str
    count: int

    def __init__(self, key: str, name: str, count: int) -> None:
        object.__setattr__(self, "key", key)
        object.__setattr__(self, "name", name)
        object.__setattr__(self, "count", count)


class Library:
    """The loaded contents of one folder: articles newest first, and what was skipped."""

    def __init__(
        self,
        root: Path,
        articles: list[Article] | None = None,
        skipped: list[Skipped] | None = None,
    ) -> None:
        self.root = root
        self.articles = articles if articles is not None else []
        self.skipped = skipped if skipped is not None else []
        self.sort()

    def sort(self) -> None:
        self.articles.sort(key=lambda a: (-a.sort_key, a.title.casefold(), a.relpath))

    def tag_groups(self) -> list[TagGroup]:
        """Tags grouped case- and separator-insensitively, most used first."""
        articles = self.articles
        # Two passes that stay in C (Counter over generators), then one per spelling.
        counts: Counter[str] = Counter(k for a in articles for k in a.tag_keys)
        spelled: Counter[str] = Counter(t for a in articles for t in a.tags)
        return _groups(counts, spelled)

    def topic_groups(self) -> list[TagGroup]:
        """Derived topics grouped like tags, most used first."""
        with_topics = [a for a in self.articles if a.topics]
        counts: Counter[str] = Counter(k for a in with_topics for k in a.topic_keys)
        spelled: Counter[str] = Counter(t for a in with_topics for t in a.topics)
        return _groups(counts, spelled)


def _groups(counts: Counter[str], spelled: Counter[str]) -> list[TagGroup]:
    """Groups of spellings by key: each named by its most common spelling."""
    spellings: dict[str, Counter[str]] = defaultdict(Counter)
    for tag, n in spelled.items():
        spellings[tag_key(tag)][tag] += n
    groups = []
    for key, count in counts.items():
        # Most common spelling; ties go to the lowercase one, then alphabetical.
        name = min(spellings[key].items(), key=lambda kv: (-kv[1], kv[0] != kv[0].lower(), kv[0]))[
            0
        ]
        groups.append(TagGroup(key, name, count))
    groups.sort(key=lambda g: (-g.count, g.name.casefold()))
    return groups


def load_library(
    root: Path,
    *,
    on_progress: Callable[[int], None] | None = None,
) -> Library:
    """Scan ``root`` and parse every article file in it. Never raises for a bad file."""
    from aireader.core.parse import parse_file  # the YAML and Markdown stack, only when parsing

    root = root.resolve()
    articles: list[Article] = []
    skipped: list[Skipped] = []
    for count, path in enumerate(iter_files(root, skipped), start=1):
        result = parse_file(path, root)
        if isinstance(result, Article):
            articles.append(result)
        else:
            skipped.append(result)
        if on_progress is not None and count % 200 == 0:
            on_progress(count)
    return Library(root, articles, skipped)
