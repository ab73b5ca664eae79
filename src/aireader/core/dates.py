"""Reading the many ways people write a date: in front matter, in file names, and in
the lines a web page puts around an article ("Published: March 3, 2024")."""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import UTC, date, datetime, time
from email.utils import parsedate_to_datetime

from aireader.core.article import ArticleDate

_TEXT_FORMATS = (
    "%B %d, %Y",  # March 25, 2024
    "%b %d, %Y",  # Mar 25, 2024
    "%B %d %Y",
    "%b %d %Y",
    "%d %B %Y",  # 25 March 2024
    "%d %b %Y",
    "%Y/%m/%d",
    "%Y.%m.%d",
    "%Y/%m/%d %H:%M",
    "%Y/%m/%d %H:%M:%S",
    "%B %Y",
)
_FILENAME_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})-")
_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_MIN_YEAR, _MAX_YEAR = 1, 9999


def parse_date(value: object) -> ArticleDate | None:
    """A front-matter value as a date, or ``None`` when it is not one.

    Accepts date and datetime objects (YAML and TOML make these), ISO 8601 with
    or without an offset, RFC 2822, and common written forms ("March 25, 2024").
    """
    if isinstance(value, datetime):
        return ArticleDate(value)
    if isinstance(value, date):
        return ArticleDate(datetime.combine(value, time()), day_only=True)
    if isinstance(value, time) or not isinstance(value, str):
        return None
    text = value.strip()
    if not text or len(text) > 64:
        return None
    if _DAY.match(text):
        try:
            return ArticleDate(datetime.fromisoformat(text), day_only=True)
        except ValueError:
            return None
    iso = text[:-1] + "+00:00" if text.endswith(("Z", "z")) else text
    try:
        return ArticleDate(datetime.fromisoformat(iso))
    except ValueError:
        pass
    try:
        parsed = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        parsed = None
    if parsed is not None:
        return ArticleDate(parsed)
    cleaned = re.sub(r"(\d)(st|nd|rd|th)\b", r"\1", text)
    for fmt in _TEXT_FORMATS:
        try:
            parsed = datetime.strptime(cleaned, fmt)
        except ValueError:
            continue
        return ArticleDate(parsed, day_only="%H" not in fmt)
    return None


def date_from_filename(name: str) -> ArticleDate | None:
    """A Jekyll-style ``YYYY-MM-DD-`` prefix on a file name, when it is a real day."""
    match = _FILENAME_DATE.match(name)
    if not match:
        return None
    try:
        day = date(int(match[1]), int(match[2]), int(match[3]))
    except ValueError:
        return None
    return ArticleDate(datetime.combine(day, time()), day_only=True)


def date_from_mtime(mtime: float) -> ArticleDate | None:
    """The file's modification time, in the local zone."""
    try:
        return ArticleDate(datetime.fromtimestamp(mtime, tz=UTC).astimezone())
    except (OverflowError, OSError, ValueError):
        return None


# -- dates in a page's own text ----------------------------------------------------------

_MONTHS = {
    name: number
    for number, names in enumerate(
        ("jan january", "feb february", "mar march", "apr april", "may", "jun june",
         "jul july", "aug august", "sep sept september", "oct october", "nov november",
         "dec december"),
        start=1,
    )
    for name in names.split()
}  # fmt: skip
_MONTH = (
    r"jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
    r"|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?"
)
_DATE_LINE = re.compile(
    r"(?:^|[,|·•]\s*)"
    r"(?P<label>first\s+published|published|posted|released|last\s+modified|last\s+updated"
    r"|modified|updated)(?:\s+on)?\s*:?\s*(?P<rest>.{6,60})$",
    re.IGNORECASE,
)
_DATE = re.compile(
    r"(?P<iso>\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:[Zz]|[+-]\d{2}:?\d{2})?)?)"
    rf"|(?P<m1>{_MONTH})\.?\s+(?P<d1>\d{{1,2}})(?:st|nd|rd|th)?,?\s+(?P<y1>\d{{4}})"
    rf"|(?P<d2>\d{{1,2}})(?:st|nd|rd|th)?\s+(?P<m2>{_MONTH})\.?,?\s+(?P<y2>\d{{4}})"
    r"|(?P<y3>\d{4})/(?P<m3>\d{1,2})/(?P<d3>\d{1,2})",
    re.IGNORECASE,
)
"""A date as pages write one: ISO 8601, "March 25, 2024", "25 March 2024", "2024/03/25"."""
_PUBLISHED_LABELS = ("first published", "published", "posted", "released")
_DATE_WORDS = ("publish", "posted", "released", "modified", "updated")


def may_date(low: str) -> bool:
    """Whether a casefolded line may be a date line (a substring test, before the search)."""
    return any(word in low for word in _DATE_WORDS)


def date_line(text: str) -> tuple[str, ArticleDate] | None:
    """The label and date of a "Published: …", "Last modified: …" or "Released on …"
    line (which may follow other furniture: "Tags: , Last modified: March 25, 2024")."""
    match = _DATE_LINE.search(text)
    if match is None:
        return None
    found = _DATE.search(match["rest"])
    if found is None or found.start() > 12:
        return None
    day = _date(found)
    if day is None:
        return None
    return " ".join(match["label"].casefold().split()), day


def _date(found: re.Match[str]) -> ArticleDate | None:
    """The day a match of :data:`_DATE` names (built from its parts: no format guessing)."""
    if found["iso"]:
        return parse_date(found["iso"])
    if found["y3"]:
        year, month, day = int(found["y3"]), int(found["m3"]), int(found["d3"])
    else:
        n = "1" if found["y1"] else "2"
        year, day = int(found["y" + n]), int(found["d" + n])
        month = _MONTHS[found["m" + n].casefold()]
    try:
        return ArticleDate(datetime(year, month, day), day_only=True)
    except ValueError:  # 31 February
        return None


def date_of_lines(lines: Sequence[str]) -> ArticleDate | None:
    """The publication date among a page's furniture lines, else its modification date."""
    modified: ArticleDate | None = None
    for text in lines:
        if not may_date(text.casefold()):
            continue
        found = date_line(text)
        if found is None:
            continue
        label, day = found
        if label in _PUBLISHED_LABELS:
            return day
        modified = modified or day
    return modified
