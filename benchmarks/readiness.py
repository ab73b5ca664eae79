"""What aireader's screen says when it is ready, shared by the pty and Pilot measures.

Three moments are timed:

* **first titles**: any article's title is on the screen (a cold start may show
  the articles parsed so far while it indexes the rest);
* **newest title**: the newest article's title is on the screen (the generator
  dates it days after all others, so it belongs at the top of the list). The list
  may truncate a title, so only its first :data:`TITLE_PREFIX` characters are
  looked for;
* **done**: the status bar counts every article (``100,000 articles``, with
  thousands separators) and no word on the screen says work is under way
  (``loading``, or ``indexing`` for the on-disk index being built).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

TITLE_PREFIX = 20
BUSY_WORDS = ("loading", "indexing")


def title_needle(title: str) -> str:
    """The part of a title that is sure to be on screen when the title is listed."""
    return title[:TITLE_PREFIX].rstrip()


def count_pattern(count: int) -> re.Pattern[str]:
    """``1,000 articles`` as a whole number: ``11,000 articles`` does not match."""
    word = "article" if count == 1 else "articles"
    return re.compile(rf"(?<![\d,.]){re.escape(f'{count:,}')} {word}\b")


def busy_word(lines: Sequence[str]) -> str | None:
    """The first word on the screen that says aireader is still at work, if any."""
    text = "\n".join(lines).casefold()
    return next((word for word in BUSY_WORDS if word in text), None)


def is_done(lines: Sequence[str], count: int) -> bool:
    """All ``count`` articles are in, and nothing on the screen says it is busy."""
    text = "\n".join(lines)
    return count_pattern(count).search(text) is not None and busy_word(lines) is None


class TitleFinder:
    """Finds whether any of a library's titles is on a screen.

    Every title's first :data:`TITLE_PREFIX` characters go in a set, by length;
    a screen line is searched at every column for each length (a few thousand set
    look-ups per screen, so it is cheap enough to run on every frame).
    """

    def __init__(self, titles: Iterable[str]) -> None:
        self._by_length: dict[int, set[str]] = {}
        for title in titles:
            needle = title_needle(title)
            if needle:
                self._by_length.setdefault(len(needle), set()).add(needle)

    def first_on(self, lines: Sequence[str]) -> str | None:
        """A title (its first characters) found on ``lines``, or None."""
        for line in lines:
            if not line.strip():
                continue
            for length, needles in self._by_length.items():
                for start in range(len(line) - length + 1):
                    piece = line[start : start + length]
                    if piece in needles:
                        return piece
        return None
