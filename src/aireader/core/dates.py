"""Reading the many ways people write a date in front matter and file names."""

from __future__ import annotations

import re
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
