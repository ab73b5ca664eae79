"""The Article record and its identity.

An article is what one file on disk became after parsing. Its ``identity`` is a
hash of its content, independent of where the file lives, so that read-state and
bookmarks can follow an article that was renamed or moved.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from datetime import UTC, datetime
from datetime import date as Date
from enum import StrEnum
from functools import cache
from pathlib import Path

from aireader.core.record import Record

WORDS_PER_MINUTE = 230
_CJK_CLASS = "[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af]"


@cache
def cjk_patterns() -> tuple[re.Pattern[str], re.Pattern[str]]:
    """A CJK character, and a run of them. Compiled on first use: a class of such
    wide ranges takes milliseconds to compile, which start-up need not pay."""
    return re.compile(_CJK_CLASS), re.compile(_CJK_CLASS + "+")


class DateSource(StrEnum):
    """Where an article's date came from, so the UI can say how sure it is."""

    FRONT_MATTER = "front matter"
    FILENAME = "filename"
    TEXT = "text"
    """A "Published:", "Last modified:" or "Released on …" line of the page's own text."""
    MTIME = "mtime"


class Format(StrEnum):
    """How the body is to be shown."""

    MARKDOWN = "markdown"
    TEXT = "text"


EXTENSIONS: dict[str, Format] = {  # the files a library is made of
    ".md": Format.MARKDOWN,
    ".markdown": Format.MARKDOWN,
    ".mdown": Format.MARKDOWN,
    ".mkd": Format.MARKDOWN,
    ".txt": Format.TEXT,
}


class ArticleDate(Record):
    """A date as the file gave it: a whole day, or a moment with or without an offset."""

    __slots__ = ("day_only", "value")
    value: datetime
    day_only: bool

    def __init__(self, value: datetime, day_only: bool = False) -> None:
        object.__setattr__(self, "value", value)
        object.__setattr__(self, "day_only", day_only)

    def isoformat(self) -> str:
        """ISO 8601, keeping the offset the file gave (none for a naive time)."""
        if self.day_only:
            return self.value.date().isoformat()
        return self.value.isoformat()

    @property
    def sort_key(self) -> float:
        """Seconds since the epoch; a naive time is taken as UTC."""
        value = self.value
        if value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        return value.timestamp()

    def day(self) -> Date:
        """The calendar day as the file wrote it."""
        return self.value.date()


def tag_key(tag: str) -> str:
    """The grouping key of a tag: case- and separator-insensitive.

    ``Sora AI``, ``sora-ai`` and ``sora_ai`` all become ``sora-ai``.
    """
    return "-".join(tag.casefold().replace("_", " ").replace("-", " ").split())


_DIGITS = re.compile(r"(\d+)")


def title_key(title: str) -> tuple[tuple[object, ...], str, str]:
    """The key that orders titles as a person would: naturally.

    Case and accents do not count, and runs of digits compare as numbers, so
    "第 3 期" comes before "第 11 期" and "v0.9" before "v0.10". Titles that differ
    only in case, accents or leading zeros keep a fixed order between them.
    Every sort by title (the list's ``sort = "title"``, ``--sort title``) uses it.
    """
    folded = title.casefold()
    if not folded.isascii():
        decomposed = unicodedata.normalize("NFKD", folded)
        folded = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    parts = _DIGITS.split(folded)
    # Text and numbers alternate (text first), so each position holds one kind.
    # A number compares by its length without leading zeros, then its digits:
    # no int() of a 5,000-digit run, and Unicode digits (٣, ３) count as well.
    key: list[object] = []
    for n, part in enumerate(parts):
        if n % 2:
            digits = str(int(part)) if len(part) < 40 else part.lstrip("0") or "0"
            key.append((len(digits), digits))
        else:
            key.append(part)
    return tuple(key), folded, title


def content_identity(title: str, body: str, path: Path) -> str:
    """A stable hash of an article's content, so state survives a rename or move.

    Line endings (normalised by the parser) and surrounding whitespace do not
    count. An article with no body text has nothing to recognise it by but its path.
    """
    normal = body.strip()
    seed = f"text\0{title.strip()}\0{normal}" if normal else f"path\0{path}"
    return hashlib.blake2b(seed.encode("utf-8", "surrogatepass"), digest_size=16).hexdigest()


def _domain(link: str | None) -> str | None:
    if not link:
        return None
    match = re.match(r"^[a-z][a-z0-9+.-]*://(?:www\.)?([^/:?#]+)", link, re.IGNORECASE)
    return match[1] if match else None


def cjk_count(text: str) -> int:
    """The CJK characters in ``text`` (none in ASCII text, which is never searched)."""
    return 0 if text.isascii() else len(cjk_patterns()[0].findall(text))


def count_words(text: str) -> int:
    """Words for reading time: runs of non-space; each CJK character counts as a word."""
    words = len(text.split())
    cjk = cjk_count(text)
    if cjk:
        words += cjk - len(cjk_patterns()[1].findall(text))
    return words


class Article(Record):
    """One article, parsed from one file. Plain data; no I/O."""

    __slots__ = (
        "author",
        "body",
        "date",
        "date_source",
        "draft",
        "format",
        "identity",
        "lang",
        "link",
        "location",
        "mtime",
        "relpath",
        "size",
        "source",
        "summary",
        "tag_keys",
        "tags",
        "title",
        "topics",
        "words",
    )
    location: str
    """Absolute path of the file, as text (a Path per article costs memory at 100k)."""
    relpath: str
    """Path relative to the library folder, with ``/`` separators."""
    title: str
    body: str
    format: Format
    identity: str
    date: ArticleDate | None
    date_source: DateSource | None
    tags: tuple[str, ...]
    author: str | None
    source: str | None
    """The site the article came from, as its front matter names it."""
    summary: str | None
    lang: str | None
    draft: bool
    link: str | None
    size: int
    mtime: float
    words: int
    tag_keys: tuple[str, ...]
    """The grouping key of each tag (derived from ``tags`` when not given)."""
    topics: tuple[str, ...]
    """Key terms derived from the text, for an article with no tags (never mixed with them)."""

    def __init__(
        self,
        location: str,
        relpath: str,
        title: str,
        body: str,
        format: Format,
        identity: str,
        date: ArticleDate | None = None,
        date_source: DateSource | None = None,
        tags: tuple[str, ...] = (),
        author: str | None = None,
        source: str | None = None,
        summary: str | None = None,
        lang: str | None = None,
        draft: bool = False,
        link: str | None = None,
        size: int = 0,
        mtime: float = 0.0,
        words: int = 0,
        tag_keys: tuple[str, ...] = (),
        topics: tuple[str, ...] = (),
    ) -> None:
        if tags and not tag_keys:
            tag_keys = tuple(dict.fromkeys(tag_key(t) for t in tags))
        set_ = object.__setattr__
        set_(self, "location", location)
        set_(self, "relpath", relpath)
        set_(self, "title", title)
        set_(self, "body", body)
        set_(self, "format", format)
        set_(self, "identity", identity)
        set_(self, "date", date)
        set_(self, "date_source", date_source)
        set_(self, "tags", tags)
        set_(self, "author", author)
        set_(self, "source", source)
        set_(self, "summary", summary)
        set_(self, "lang", lang)
        set_(self, "draft", draft)
        set_(self, "link", link)
        set_(self, "size", size)
        set_(self, "mtime", mtime)
        set_(self, "words", words)
        set_(self, "tag_keys", tag_keys)
        set_(self, "topics", topics)

    @property
    def topic_keys(self) -> tuple[str, ...]:
        """The grouping key of each topic, as for tags."""
        return tuple(tag_key(t) for t in self.topics)

    @property
    def path(self) -> Path:
        """Absolute path of the file."""
        return Path(self.location)

    @property
    def origin(self) -> str | None:
        """The site or author to show beside the title in a list."""
        return self.source or self.author or _domain(self.link)

    @property
    def reading_minutes(self) -> int:
        return max(1, round(self.words / WORDS_PER_MINUTE))

    @property
    def sort_key(self) -> float:
        return self.date.sort_key if self.date else self.mtime


class Skipped(Record):
    """A file that looked like an article but could not be loaded, and why."""

    __slots__ = ("path", "reason", "relpath")
    path: Path
    relpath: str
    reason: str

    def __init__(self, path: Path, relpath: str, reason: str) -> None:
        object.__setattr__(self, "path", path)
        object.__setattr__(self, "relpath", relpath)
        object.__setattr__(self, "reason", reason)
