"""Making untrusted article text safe to show, and decoding bytes into text.

Article files come from the web. Before any of their text can reach a terminal,
escape sequences and control characters are removed here, once, at parse time.
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Iterable, Iterator

# ESC-introduced sequences: CSI, OSC/DCS/APC/PM/SOS strings, and two-byte escapes.
_ESCAPE_SEQUENCE = re.compile(
    r"""
    \x1b\[[0-?]*[ -/]*[@-~]?              # CSI ... final byte
  | \x9b[0-?]*[ -/]*[@-~]?                # 8-bit CSI
  | (?:\x1b[\]PX^_]|[\x90\x98\x9d\x9e\x9f])  # OSC, DCS, SOS, PM, APC ...
    [^\x07\x1b\x9c]*(?:\x07|\x1b\\|\x9c)?  # ... up to BEL or ST
  | \x1b[ -/]*[0-~]?                      # any other escape
    """,
    re.VERBOSE,
)
# Every C0 control except tab and newline, DEL, and every C1 control.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
# Lone surrogates: no file decodes to one, but a JSON or YAML "\ud800" escape does,
# and no UTF-8 output (SQLite, a terminal) can hold one.
_SURROGATE = re.compile(r"[\ud800-\udfff]")
_UNSAFE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff]")
_ASCII_UNSAFE = bytes([*range(0x00, 0x09), *range(0x0B, 0x20), 0x7F])
"""The bytes of ``_UNSAFE`` that ASCII text can hold."""


def neutralise(text: str) -> str:
    """Remove terminal escape sequences and control characters from ``text``.

    Newlines and tabs stay; CRLF and lone CR become newlines; a lone surrogate
    becomes U+FFFD. Nothing an article contains can move the cursor, retitle the
    window or reach the clipboard.
    """
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    if text.isascii():  # the common case, checked five times faster than by _UNSAFE
        raw = text.encode("ascii")
        if len(raw.translate(None, _ASCII_UNSAFE)) == len(raw):
            return text  # nothing to remove (ESC is itself a control)
    elif _UNSAFE.search(text) is None:
        return text
    text = _ESCAPE_SEQUENCE.sub("", text)
    return _SURROGATE.sub("\ufffd", _CONTROL.sub("", text))


def neutralise_line(text: str) -> str:
    """Like :func:`neutralise`, for a one-line field: whitespace runs become one space."""
    return " ".join(neutralise(text).split())


_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)


class NotText(ValueError):
    """The bytes are not a text document."""


def decode(data: bytes) -> str:
    """Decode a file's bytes: a BOM wins, then UTF-8, then legacy 8-bit text.

    Raises :class:`NotText` for what looks like a binary file. Never raises a
    ``UnicodeDecodeError``: the 8-bit fallback accepts every byte.
    """
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return data[len(bom) :].decode(encoding, errors="replace")
    if b"\x00" in data[:8192]:
        raise NotText("binary file (contains NUL bytes)")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    # Legacy 8-bit text: Windows-1252 is the common case; Latin-1 takes every byte.
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError:
        return data.decode("latin-1")


_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")


def fences(lines: Iterable[str]) -> Iterator[tuple[bool, bool]]:
    """For each line, whether it belongs to a fenced code block (its fences
    included), and whether a fence is still open after it. A block closes on a
    fence of the same character as the one that opened it."""
    fence: str | None = None
    for line in lines:
        opening = _FENCE.match(line)
        if opening:
            marker = opening.group(1)[0]
            if fence is None:
                fence = marker
            elif marker == fence:
                fence = None
            yield True, fence is not None
        else:
            yield fence is not None, fence is not None


def chunks(text: str, first: int = 6_000, size: int = 48_000) -> list[str]:
    """``text`` cut into pieces at blank lines outside code fences.

    The first piece is small, so a long document shows its opening at once and
    the rest can follow; no piece splits a paragraph or a fenced block (unless a
    single block is itself huge, in which case it is cut at a line end).
    """
    if len(text) <= first:
        return [text]
    pieces: list[str] = []
    start = 0
    limit = first
    fence = False
    position = 0
    last_break = -1
    lines = text.splitlines(keepends=True)
    for line, (code, open_after) in zip(lines, fences(lines), strict=True):
        end = position + len(line)
        if not code and not line.strip():
            last_break = end
        fence = open_after
        if end - start >= limit:
            cut = last_break if last_break > start else end
            if fence and last_break > start:
                cut = last_break
            pieces.append(text[start:cut])
            start = cut
            limit = size
        position = end
    if start < len(text):
        pieces.append(text[start:])
    return [p for p in pieces if p]
