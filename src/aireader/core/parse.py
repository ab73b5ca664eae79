"""Bytes on disk into an :class:`Article`, or a :class:`Skipped` with the reason.

Front matter may be YAML (``---``), TOML (``+++``) or JSON (``{``), read through
python-frontmatter's handlers and always loaded safely. Field names follow what
static-site generators really use (Jekyll, Hugo, Astro, Zola, Eleventy...).
An article's body is what the reading pane shows and the index searches: the
text without a copy of its title at the top, nor the web page's furniture
around it (see :mod:`aireader.core.furniture`).
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any, ClassVar

import frontmatter
import yaml
from frontmatter.default_handlers import BaseHandler, JSONHandler, YAMLHandler

from aireader.core import fastyaml
from aireader.core.article import (
    EXTENSIONS,
    Article,
    ArticleDate,
    DateSource,
    Format,
    Skipped,
    cjk_count,
    content_identity,
    count_words,
    tag_key,
)
from aireader.core.dates import date_from_filename, date_from_mtime, parse_date
from aireader.core.furniture import (
    clean,
    heading_text,
    is_furniture,
    is_placeholder,
    plain,
    strip_head,
)
from aireader.core.language import detect as detect_language
from aireader.core.record import Record
from aireader.core.text import NotText, decode, neutralise, neutralise_line

MAX_FILE_BYTES = 64 * 1024 * 1024
MAX_TAGS = 64
MAX_YAML_ALIASES = 64
MAX_YAML_DEPTH = 64
"""Front matter nested deeper than this is refused: libyaml's composer recurses in C
and overflows the C stack (a crash, not an exception) some 30,000 levels down."""
MAX_YAML_VALUES = 100_000
"""Front matter with more values than this, once its aliases are expanded, is refused
(an anchor bomb: a few lines that stand for billions of values)."""

DATE_KEYS = ("date", "pubdatetime", "pubdate", "published", "publishdate", "created")
TAG_KEYS = ("tags", "taxonomies.tags", "categories", "taxonomies.categories", "keywords")
LINK_KEYS = ("url", "link", "canonical", "canonical_url", "canonicalurl")

try:
    _BaseLoader: type[Any] = yaml.CSafeLoader
except AttributeError:  # PyYAML built without libyaml
    _BaseLoader = yaml.SafeLoader


class _FrontMatterLoader(_BaseLoader):  # type: ignore[misc]  # dynamic base
    """A safe YAML loader that leaves timestamps as text, so a bad date cannot
    fail the whole file and a written offset is kept exactly as written."""

    yaml_implicit_resolvers: ClassVar[dict[Any, list[tuple[str, Any]]]] = {
        first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
        for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
    }


class _YAML(YAMLHandler):
    def load(self, fm: str, **kwargs: object) -> Any:
        simple = fastyaml.load(fm)
        if simple is not None:
            return simple
        aliases = len(re.findall(r"(?<![\w*])\*[^\s,\]}]+", fm))
        if aliases > MAX_YAML_ALIASES and "&" in fm:
            raise FrontMatterError(f"YAML front matter uses {aliases} aliases; refused")
        _check_yaml_shape(fm)
        return yaml.load(fm, Loader=_FrontMatterLoader)  # a SafeLoader subclass


def _check_yaml_shape(fm: str) -> None:
    """Refuse YAML nested too deeply, or whose aliases expand to too many values.

    Read as a stream of events, which libyaml parses with a stack of its own (no
    recursion); an alias counts as every value of what it refers to, so an anchor
    bomb is found without building it.
    """
    loader = _FrontMatterLoader(fm)
    try:
        _walk_yaml_events(loader)
    except yaml.MarkedYAMLError as exc:
        # libyaml 0.2.6 and later have a nesting limit of their own, met while scanning.
        if "nesting depth" in str(exc.problem):
            raise FrontMatterError(
                f"YAML front matter nested more than {MAX_YAML_DEPTH} levels; refused"
            ) from exc
        raise
    finally:
        loader.dispose()


def _walk_yaml_events(loader: Any) -> None:
    """The event walk of :func:`_check_yaml_shape` (raises when refused)."""
    sizes: dict[str, int] = {}  # anchor -> values it expands to
    open_anchors: set[str] = set()
    stack: list[list[Any]] = [[0, None]]  # per open collection: [values, anchor]
    while loader.check_event():
        event = loader.get_event()
        if isinstance(event, yaml.CollectionStartEvent):
            if len(stack) > MAX_YAML_DEPTH:
                raise FrontMatterError(
                    f"YAML front matter nested more than {MAX_YAML_DEPTH} levels; refused"
                )
            stack.append([1, event.anchor])
            if event.anchor is not None:
                open_anchors.add(event.anchor)
            continue
        if isinstance(event, yaml.CollectionEndEvent) and len(stack) > 1:
            count, anchor = stack.pop()
            if anchor is not None:
                sizes[anchor] = count
                open_anchors.discard(anchor)
        elif isinstance(event, yaml.ScalarEvent):
            count = 1
            if event.anchor is not None:
                sizes[event.anchor] = 1
        elif isinstance(event, yaml.AliasEvent):
            if event.anchor in open_anchors:
                raise FrontMatterError("YAML front matter has an alias inside itself; refused")
            count = sizes.get(event.anchor or "", 1)  # an unknown one: PyYAML will say so
        else:
            continue
        stack[-1][0] += count
        if stack[-1][0] > MAX_YAML_VALUES:
            raise FrontMatterError(
                f"YAML front matter holds over {MAX_YAML_VALUES:,} values once its aliases"
                " are expanded; refused"
            )


class _TOML(BaseHandler):
    """TOML front matter with the standard library's tomllib."""

    FM_BOUNDARY = re.compile(r"^\+{3,}\s*$", re.MULTILINE)

    def load(self, fm: str, **kwargs: object) -> Any:
        import tomllib  # loaded for TOML front matter only: its regexes cost 2 ms

        try:
            return tomllib.loads(fm)
        except tomllib.TOMLDecodeError as exc:
            raise FrontMatterError(f"broken TOML front matter: {exc}") from exc


class _JSON(JSONHandler):
    """JSON front matter (Hugo): an object at the very top, on one line or many."""

    def detect(self, text: str) -> bool:
        return text.startswith("{")

    def split(self, text: str) -> tuple[str, str]:
        try:
            _, end = json.JSONDecoder().raw_decode(text)
        except json.JSONDecodeError as exc:
            if text.startswith(("{\n", "{\r")):
                raise FrontMatterError(
                    f"broken JSON front matter at line {exc.lineno}: {exc.msg}"
                ) from exc
            raise ValueError("not front matter") from exc  # prose that starts with "{"
        return text[:end], text[end:].lstrip("\n")

    def load(self, fm: str, **kwargs: object) -> Any:
        return json.loads(fm)


_HANDLERS = (_YAML(), _TOML(), _JSON())


class FrontMatterError(ValueError):
    """Front matter that is present but cannot be read."""


def split_front_matter(text: str) -> tuple[dict[str, Any], str]:
    """The front matter as a dict (empty when there is none) and the body.

    Raises :class:`FrontMatterError` when front matter is present but broken.
    Front matter that parses to something other than a mapping is not metadata:
    the whole text is then the body.
    """
    for handler in _HANDLERS:
        if not handler.detect(text):
            continue
        try:
            fm, body = handler.split(text)
        except FrontMatterError:
            raise
        except ValueError:
            return {}, text  # an opening line with no closing one: a rule, not metadata
        kind = type(handler).__name__.strip("_")
        try:
            data = handler.load(fm)
        except FrontMatterError:
            raise
        except yaml.MarkedYAMLError as exc:
            mark = exc.problem_mark
            where = f" at line {mark.line + 2}" if mark is not None else ""
            raise FrontMatterError(f"broken YAML front matter{where}: {exc.problem}") from exc
        except yaml.YAMLError as exc:
            raise FrontMatterError(f"broken YAML front matter: {exc}") from exc
        except json.JSONDecodeError as exc:
            raise FrontMatterError(
                f"broken JSON front matter at line {exc.lineno}: {exc.msg}"
            ) from exc
        except (ValueError, TypeError, OverflowError, RecursionError) as exc:
            raise FrontMatterError(f"unreadable {kind} front matter: {exc}") from exc
        if data is None:
            return {}, body
        if not isinstance(data, dict):
            return {}, text
        return data, body
    return {}, text


# ---------------------------------------------------------------------------
# Field extraction: every value may be of any type; none may raise.


def _lookup(meta: Mapping[str, Any], dotted: str) -> Any:
    value: Any = meta
    for part in dotted.split("."):
        if not isinstance(value, Mapping):
            return None
        value = value.get(part)
    return value


def _lower_keys(meta: Mapping[Any, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in meta.items():
        if isinstance(key, str):
            lowered = key.strip().lower()
            if isinstance(value, Mapping):
                value = _lower_keys(value)
            out.setdefault(lowered, value)
    return out


def _one_line(value: Any) -> str | None:
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, str | int | float):
        text = neutralise_line(str(value))
        return text[:500] or None
    if isinstance(value, list | tuple):
        parts = [p for p in (_one_line(v) for v in value[:20]) if p]
        return ", ".join(parts) or None
    if isinstance(value, Mapping):
        return _one_line(value.get("name"))
    return None


def _flatten(value: Any, depth: int = 0) -> Iterable[Any]:
    if isinstance(value, list | tuple) and depth < 4:
        for item in value:
            yield from _flatten(item, depth + 1)
    else:
        yield value


def parse_tags(value: Any) -> list[str]:
    """Tags from a list, or a comma- or space-separated string."""
    parts = _tag_parts(value)
    return [tag for tag, _ in _tag_pairs(parts)]


def _tag_pairs(parts: Iterable[str]) -> Iterator[tuple[str, str]]:
    """Each usable tag with its grouping key."""
    for part in parts:
        tag = neutralise_line(part).strip("#").strip()
        if tag and len(tag) <= 80:
            key = tag_key(tag)
            if key:
                yield tag, key


def _tag_parts(value: Any) -> list[str]:
    if isinstance(value, str):
        return value.split(",") if "," in value else value.split()
    if isinstance(value, list | tuple):
        parts = [str(v) for v in _flatten(value) if isinstance(v, str | int | float)]
        return [p for v in parts for p in (v.split(",") if "," in v else [v])]
    if isinstance(value, int | float) and not isinstance(value, bool):
        return [str(value)]
    return []


def _truthy(value: Any) -> bool:
    if isinstance(value, str):
        return value.strip().lower() in {"true", "yes", "1", "on"}
    return value is True


def _lang(value: Any) -> str | None:
    text = _one_line(value)
    if not text or len(text) > 20:
        return None
    return text.lower().replace("_", "-")


# ---------------------------------------------------------------------------
# Titles for files without one.

_BYLINE = re.compile(
    r"^(by|written by|posted( by| on)?|published( by| on)?|updated|author|"
    r"por|escrito por|publicado( por| em)?)\b|\b\d{1,2}:\d{2}\s*([ap]\.?m\.?)?\b",
    re.IGNORECASE,
)
_SCAN_LINES = 40
_heading = heading_text
_plain = plain


def _is_furniture(line: str) -> bool:
    return is_furniture(line) or is_placeholder(line)


def _is_paragraph(line: str) -> bool:
    words = len(line.split())
    cjk = cjk_count(line)
    return len(line) > 200 or cjk > 80 or (line.endswith((".", "。")) and (words >= 12 or cjk > 30))


def _is_headline(line: str) -> bool:
    if _is_furniture(line) or _BYLINE.search(line) or "://" in line:
        return False
    if line.endswith((":", ",", ";")) or len(line) > 200:
        return False
    if not any(ch.isalpha() for ch in line):
        return False
    cjk = cjk_count(line)
    words = len(line.split())
    return 6 <= cjk <= 80 if cjk > words else 3 <= words <= 30


def guess_title(body: str) -> str | None:
    """The title of a document without front matter, as a reader would see it.

    The first Markdown heading near the top (before the body text starts), else
    the first line that reads like a headline, skipping page furniture such as
    "Ticker" and bylines such as "Written by 11:47 am AI, Discussions".
    """
    lines = []
    head = body.split("\n", _SCAN_LINES * 4)  # the top: not every line of a long text
    for raw in head[: _SCAN_LINES * 4]:
        if raw.strip():
            lines.append(raw)
        if len(lines) >= _SCAN_LINES:
            break
    for raw in lines:
        heading = _heading(raw)
        if heading is not None:
            text = _plain(heading)
            if text and not _is_furniture(text):
                return text[:300]
            continue
        if _is_paragraph(_plain(raw)):
            break
    for raw in lines:
        text = _plain(raw)
        if _is_paragraph(text):
            break
        if _is_headline(text):
            return text
    return None


def strip_leading_title(body: str, title: str) -> str:
    """The body without a copy of the title at its top (and furniture before it).

    Scraped pages and Markdown files often repeat the title as their first line or
    heading; the reading pane already shows it above the text. An article's body
    (:func:`parse_bytes`) has had this done, with the rest of :func:`furniture.clean`.
    """
    return strip_head(body, title)


def _title_from_filename(path: Path) -> str:
    stem = re.sub(r"^\d{4}-\d{2}-\d{2}-", "", path.stem)
    words = re.sub(r"[-_]+", " ", stem).strip()
    return neutralise_line(words[:1].upper() + words[1:]) or neutralise_line(path.name)


# ---------------------------------------------------------------------------


def parse_bytes(
    data: bytes,
    path: Path,
    relpath: str,
    *,
    mtime: float = 0.0,
    keep_body: bool = True,
    derive: bool = True,
) -> Article | Skipped:
    """Parse one file's bytes into an article, or say why it was skipped. Never raises.

    With ``keep_body=False`` the article's ``body`` is left empty (an index keeps
    only what it needs; the text stays on disk). With ``derive=False`` what is
    worked out from the whole text for the index is left out: the word count (0),
    the identity ("") and a language the front matter does not give (None); for
    showing a file already indexed, which is then read three times as fast.
    """
    try:
        return _parse(data, path, relpath, mtime, keep_body, derive)
    except NotText as exc:
        return Skipped(path, relpath, str(exc))
    except FrontMatterError as exc:
        return Skipped(path, relpath, str(exc))
    except RecursionError:
        return Skipped(path, relpath, "front matter nested too deeply")
    except MemoryError:
        return Skipped(path, relpath, "too large to load")


def _parse(
    data: bytes, path: Path, relpath: str, mtime: float, keep_body: bool, derive: bool
) -> Article:
    fmt = EXTENSIONS.get(path.suffix.lower(), Format.TEXT)
    text = neutralise(decode(data))
    raw_meta, body = split_front_matter(text)
    meta = _lower_keys(raw_meta)

    title = _one_line(meta.get("title")) or guess_title(body) or _title_from_filename(path)

    date: ArticleDate | None = None
    date_source: DateSource | None = None
    for key in DATE_KEYS:
        date = parse_date(meta.get(key))
        if date:
            date_source = DateSource.FRONT_MATTER
            break
    if date is None:
        date = date_from_filename(path.name)
        date_source = DateSource.FILENAME if date else None
    cleaned = clean(body, title)  # the article without the page around it
    if date is None and cleaned.date is not None:
        date, date_source = cleaned.date, DateSource.TEXT
    if date is None:
        date = date_from_mtime(mtime)
        date_source = DateSource.MTIME if date else None
    raw_body, body = body, cleaned.body

    tags: list[str] = []
    keys: list[str] = []
    for name in TAG_KEYS:
        value = _lookup(meta, name)
        if value is None:
            continue
        for tag, key in _tag_pairs(_tag_parts(value)):
            if key not in keys and len(tags) < MAX_TAGS:
                keys.append(key)
                tags.append(tag)

    link = None
    for key in LINK_KEYS:
        candidate = _one_line(meta.get(key))
        if candidate and re.match(r"^https?://\S+$", candidate, re.IGNORECASE):
            link = candidate
            break
    source = _one_line(meta.get("source"))
    if link is None and source and re.match(r"^https?://\S+$", source, re.IGNORECASE):
        link = source

    return Article(
        location=str(path),
        relpath=relpath,
        title=title,
        body=body if keep_body else "",
        format=fmt,
        # The file's own text: a change in what counts as furniture keeps the identity.
        identity=content_identity(title, raw_body, path) if derive else "",
        date=date,
        date_source=date_source,
        tags=tuple(tags),
        tag_keys=tuple(keys),
        author=_one_line(meta.get("author") or meta.get("authors")),
        source=source,
        summary=_one_line(meta.get("description") or meta.get("summary")),
        # The front matter's language, else the text's (see core/language.py).
        lang=_lang(meta.get("lang") or meta.get("language") or meta.get("locale"))
        or (detect_language(body) if derive else None),
        draft=_truthy(meta.get("draft")),
        link=link,
        size=len(data),
        mtime=mtime,
        words=count_words(body) if derive else 0,
    )


def parse_file(
    path: Path,
    root: Path,
    *,
    relpath: str | None = None,
    keep_body: bool = True,
    derive: bool = True,
) -> Article | Skipped:
    """Read and parse one file under ``root`` (see :func:`parse_bytes`). Never raises."""
    if relpath is None:
        relpath = path.relative_to(root).as_posix() if path.is_relative_to(root) else path.name
    try:
        with path.open("rb") as handle:
            stat = os.fstat(handle.fileno())
            if stat.st_size > MAX_FILE_BYTES:
                mib = stat.st_size / 1024 / 1024
                return Skipped(path, relpath, f"too large ({mib:.0f} MiB; limit 64 MiB)")
            # As much as the file holds: read(64 MiB) would allocate 64 MiB first.
            data = handle.read(stat.st_size + 1)
            if len(data) > stat.st_size:  # it grew since: read on, up to the limit
                data += handle.read(MAX_FILE_BYTES + 1 - len(data))
    except OSError as exc:
        return Skipped(path, relpath, f"cannot read: {exc.strerror or exc}")
    return parse_bytes(data, path, relpath, mtime=stat.st_mtime, keep_body=keep_body, derive=derive)


RAW_MAX_BYTES = 4 * 1024 * 1024
"""Bytes of a file :func:`raw_text` reads at most (a reading pane shows no more)."""


class RawText(Record):
    """A file's own text, as it is on disk but safe to show: see :func:`raw_text`."""

    __slots__ = ("complete", "text")
    text: str
    complete: bool
    """False when the file is longer than what was read (the text is its start)."""

    def __init__(self, text: str, complete: bool = True) -> None:
        object.__setattr__(self, "text", text)
        object.__setattr__(self, "complete", complete)


def raw_text(path: Path, relpath: str, *, max_bytes: int = RAW_MAX_BYTES) -> RawText | Skipped:
    """The file as written (front matter, page furniture and all), for a "raw" view.

    Nothing is taken out but what cannot be shown safely: escape sequences and
    control characters are removed and line endings made ``\n``, as for the
    article. At most ``max_bytes`` are read, cut at a line's end. Never raises:
    a file that cannot be read or is not text gives a :class:`Skipped` with the reason.
    """
    try:
        with path.open("rb") as handle:
            data = handle.read(max_bytes + 1)
    except OSError as exc:
        return Skipped(path, relpath, f"cannot read: {exc.strerror or exc}")
    complete = len(data) <= max_bytes
    if not complete:
        data = data[:max_bytes]
        cut = data.rfind(b"\n")
        data = data[: cut + 1] if cut > 0 else _whole_characters(data)
    try:
        return RawText(neutralise(decode(data)), complete)
    except NotText as exc:
        return Skipped(path, relpath, str(exc))


def _whole_characters(data: bytes) -> bytes:
    """``data`` without a UTF-8 character cut off at its end."""
    start = len(data)
    while start > 0 and len(data) - start < 3 and data[start - 1] & 0xC0 == 0x80:
        start -= 1  # back over continuation bytes to the character's first byte
    if start == 0 or data[start - 1] < 0xC0:
        return data
    lead = data[start - 1]
    size = 2 if lead < 0xE0 else 3 if lead < 0xF0 else 4
    return data if len(data) - start + 1 >= size else data[: start - 1]


__all__ = [
    "EXTENSIONS",
    "RAW_MAX_BYTES",
    "FrontMatterError",
    "RawText",
    "guess_title",
    "parse_bytes",
    "parse_file",
    "parse_tags",
    "raw_text",
    "split_front_matter",
    "strip_leading_title",
]
_ = frontmatter  # the handlers above come from python-frontmatter
