"""Page furniture in scraped text: what a reader of news leaves out, and what it keeps.

Text saved from a web page carries the page around the article: a ticker and a
byline above it; "Post a Comment", "Visited 2 times", "Tags: , Last modified: …"
and "Close Search Window" below it; "image" and "Photo: Reuters" where pictures
were; heading marks (``###``) left in the middle of sentences. :func:`clean`
takes them out, conservatively:

- at the head and the tail only: lines that are page furniture (labels such as
  "Share this" or "Leave a comment", counters, tag and category lines, a byline
  that is only a clock time, cookie and comment-form notices, a "Related posts"
  list), copies of the title, and the short lines above a copy of the title;
- anywhere: a line that is nothing but a placeholder ("image", "Advertisement"),
  a photo credit ("Photo: Reuters") or a rewriting tool's label ("Revised Text:");
- a ``###`` between words (the words stay), and a first paragraph that the next
  few repeat word for word (a standfirst printed twice: the later copy stays).

Nothing that reads as a sentence is dropped, except the few notices named above
at the head or tail. A "Published:", "Last modified:" or "Released on …" line
among the furniture gives the article its date when nothing better does.

The work is linear in the text and nearly free for an article with no furniture:
the head and the tail are read line by line (a few dozen lines at most), the
rest only where one search over the whole text finds a candidate.
"""

from __future__ import annotations

import re

from aireader.core.article import ArticleDate, cjk_count
from aireader.core.dates import date_line, date_of_lines, may_date
from aireader.core.record import Record
from aireader.core.text import fences

SCAN_LINES = 40
"""Non-blank lines read at the head, and at the tail, for furniture."""
SENTENCE_WORDS = 7
"""A line of this many words that ends like a sentence is the article's, never furniture."""
DEK_BLOCKS = 8
"""Paragraphs after the first searched for a copy of it."""
DEK_MIN_CHARS = 80

_HEADING = re.compile(r"^\s{0,3}(#{1,6})\s+(.+)$")
# A link's text holds no brackets and its target at most one level of parentheses:
# each attempt then stops at the next bracket or parenthesis, so a line of
# thousands of "[" or "[](" costs linear time, not quadratic.
_MARKUP = re.compile(r"[*_`~]+|^\s*>\s*|!?\[([^\[\]]*)\]\((?:[^()]|\([^()]*\))*\)")
_MARKUP_CHARS = re.compile(r"[*_`~\[>]")
_EDGE_PUNCTUATION = " \t.:|·•-–—›»«‹*"
_SENTENCE_END = (".", "!", "?", "…", "。", "！", "？")
_CLOSERS = "\"'”’»)]*_ \t"
"""What may follow a sentence's stop: closing quotes and brackets, emphasis marks."""

# -- what furniture is -------------------------------------------------------------------


def _phrases(text: str) -> frozenset[str]:
    """The ``|``-separated phrases of ``text``, each with its spaces made single."""
    return frozenset(" ".join(p.split()) for p in text.split("|")) - {""}


_LABELS = _phrases(
    """
    ticker|breaking news|menu|main menu|toggle menu|navigation|toggle navigation|home|
    search|search for|close|close search window|skip to content|skip to main content|
    jump to|back to top|scroll to top|go to top|share|share this|share this article|
    share this post|share this story|share on facebook|share on twitter|share on x|
    share on linkedin|share via email|tweet|facebook|twitter|linkedin|whatsapp|
    pinterest|reddit|telegram|email|e-mail|print|copy link|like this|like|loading|
    like loading|comments|comment|no comments|no comments yet|post a comment|
    add a comment|leave a comment|leave a reply|leave a reply cancel reply|cancel reply|
    join the conversation|related|related posts|related articles|related stories|
    related news|you may also like|you might also like|more stories|more news|
    recommended|recommended for you|popular posts|most popular|most read|trending|
    trending now|latest news|latest posts|recent posts|read more|read next|also read|
    continue reading|newsletter|sign up|subscribe|subscribe now|sign in|log in|login|
    previous|next|previous post|next post|previous article|next article|older post|
    newer post|tags|categories|filed under|posted in|advertisement|sponsored|accept|
    name|website|accept all|reject all|cookie settings|manage cookies|got it|report an error
    """
)
"""Whole lines that are a page's, not an article's (compared casefolded, edge
punctuation off): navigation, sharing, comments, subscriptions, cookie buttons."""

_SECTIONS = _phrases(
    """
    related|related posts|related articles|related stories|related news|
    you may also like|you might also like|more stories|more news|recommended|
    recommended for you|popular posts|most popular|most read|trending|trending now|
    latest news|latest posts|recent posts|read more|read next|also read
    """
)
"""Headings of a list of other articles, which with the list is the tail's."""

_FURNITURE = re.compile(
    r"""
    ^(?:
        \d+\s+(?:comments?|responses?|replies|shares?|views?|likes?)
      | comments?\s*\(\d+\)
      | visited\s+\d+\s+times?(?:\s*,\s*\d+\s+visits?(?:\(s\))?\s+today)?
      | \d+\s+visits?(?:\(s\))?\s+today
      | (?:tags?|categories|category|filed\s+under|posted\s+in|topics)\s*:.*
      | share\s+(?:this|on|via)\b.*
      | click\s+to\s+(?:share|print|email)\b.*
      | (?:©|\(c\)|copyright\s+(?:©\s*)?\d{4}).*
      | \d+/[\w-]+(?:/[\w-]+)+              # a widget's path: 6/recent/ticker-posts
    )$
    """,
    re.IGNORECASE | re.VERBOSE,
)
"""Counters, tag and category lines, share buttons, copyright lines, widget paths."""

_NOTICE = re.compile(
    r"""
    \b(?:we|this\s+(?:web)?site|our\s+(?:web)?site)\s+uses?\s+cookies\b
  | \baccept\s+(?:all\s+)?cookies\b
  | \bcookie\s+(?:policy|settings|preferences|consent)\b
  | \byour\s+email\s+address\s+will\s+not\s+be\s+published\b
  | \brequired\s+fields\s+are\s+marked\b
  | \bsave\s+my\s+name,\s+email,\s+and\s+website\b
  | \byou\s+must\s+be\s+logged\s+in\s+to\s+post\s+a\s+comment\b
  | \bcomments\s+are\s+closed\b
  | \ball\s+rights\s+reserved\b
    """,
    re.IGNORECASE | re.VERBOSE,
)
"""Notices that are sentences but the site's: cookies, the comment form, copyright."""
_NOTICE_WORDS = (
    "cookie",
    "email address",
    "required fields",
    "save my name",
    "logged in",
    "comments are closed",
    "rights reserved",
)
"""A notice has one of these (checked first: a substring test is cheaper than the search)."""
LONG_LINE = 100
"""A line longer than this (and than the title) is prose, unless it is a notice."""
NOTICE_CHARS = 400
"""A line longer than this is prose at once: no notice or furniture line is as long."""

_CLOCK = re.compile(r"\b\d{1,2}:\d{2}\s*[ap]\.?m\b\.?", re.IGNORECASE)
_BYLINE = re.compile(r"^(?:by|written\s+by|posted\s+by|por|escrito\s+por)\s", re.IGNORECASE)

_PLACEHOLDER = re.compile(
    r"""
    ^[\[(]?\s*(?:
        image|images|photo|photos|picture|img|image\s+placeholder|advertisement
      | (?:photo|image|picture|photograph|foto|imagem|imagen)s?(?:\s+credits?)?\s*:\s*
        [^\s.!?:][^.!?:]{0,60}?                      # a credit: "Photo: Reuters"
      | (?:photo|image|picture)\s+(?:by|via|courtesy(?:\s+of)?)\s+[^.!?:]{1,60}?
      | story\s+continues\s+below\s+advertisement
      | continue\s+reading\s+the\s+main\s+story
      | advertisement\s*[-–—:]\s*scroll\s+to\s+continue(?:\s+with\s+content)?
      | (?:revised|rewritten|paraphrased|unchanged)\s+(?:text|content)\s*:
    )\s*[\])]?$
    """,
    re.IGNORECASE | re.VERBOSE,
)
"""A line that stands for something the page had, or a tool's label: never prose."""
_PLACEHOLDER_HINT = re.compile(
    r"\n[ \t*_\[(]*(?:[Ii]mage|IMAGE|[Ii]mg|[Pp]hoto|PHOTO|[Pp]icture|[Aa]dvertisement"
    r"|ADVERTISEMENT|[Ss]tory\s|[Cc]ontinue\s|[Ff]oto|[Rr]evised|[Rr]ewritten|[Pp]araphrased"
    r"|[Uu]nchanged)[^\n]{0,110}(?=\n|$)"
)
"""Where a placeholder may be: found by one search, so most texts need no line loop
(after a newline: a pattern that starts with one is searched for far faster than ``^``)."""
_CREDIT_WORDS = 6

_STRAY_HASHES = re.compile(r"(?<=\S) +#{2,6}(?=[ \t]+\S)")
_BLOCK = re.compile(r"^\s*(?:[-*+]\s|\d{1,3}[.)]\s|>|\||```|~~~|<|(?:[-*_]\s*){3,}$)")
"""A Markdown list item, quote, table row, fence, HTML or rule: structure, not a header."""


class Cleaned(Record):
    """A body without its page furniture, and the date the furniture gave."""

    __slots__ = ("body", "date")
    body: str
    date: ArticleDate | None

    def __init__(self, body: str, date: ArticleDate | None = None) -> None:
        object.__setattr__(self, "body", body)
        object.__setattr__(self, "date", date)


def plain(line: str) -> str:
    """A line as read: Markdown emphasis, quote marks and link targets gone, spaces single."""
    if _MARKUP_CHARS.search(line) is not None:
        line = _MARKUP.sub(lambda m: m.group(1) or "", line)
    return " ".join(line.split())


def _read(line: str) -> str:
    """A line as read, a heading's marks gone too."""
    heading = heading_text(line)
    return plain(line if heading is None else heading)


def heading_text(line: str) -> str | None:
    """The text of an ATX heading line (closing hashes removed), or None for another line.

    Not one regular expression: ``(.+?)\\s*#*\\s*$`` backtracks cubically on a
    heading with a long run of spaces inside.
    """
    match = _HEADING.match(line)
    if match is None:
        return None
    return match.group(2).rstrip().rstrip("#").rstrip()


def _label(text: str) -> str:
    return " ".join(text.casefold().strip(_EDGE_PUNCTUATION).split())


def ends_sentence(text: str) -> bool:
    """Whether ``text`` ends as a sentence does: a stop, perhaps inside a quote."""
    return text.rstrip(_CLOSERS).endswith(_SENTENCE_END)


def is_sentence(text: str) -> bool:
    """Whether a line (as read) is a sentence of prose: enough words, and a sentence's end."""
    return ends_sentence(text) and _words(text) >= SENTENCE_WORDS


def is_furniture(text: str) -> bool:
    """Whether a line (as read) is the page's at the head or tail of an article.

    Labels, counters, tag lines, a byline that is only a time, a date line, and
    the notices that are sentences (cookies, the comment form, copyright).
    """
    if not text or len(text) > NOTICE_CHARS:
        return False
    low = text.casefold()
    if any(word in low for word in _NOTICE_WORDS) and _NOTICE.search(text):
        return True
    words = _words(text)
    if words >= SENTENCE_WORDS and ends_sentence(text):
        return False  # a sentence: the article's, unless a notice
    if _label(low) in _LABELS or _FURNITURE.match(text.strip(" \t|·•")):
        return True
    if words <= 12 and ":" in text and _CLOCK.search(text):
        return True  # "Written by 11:47 am AI, Discussions": a byline with only a time
    return words <= 14 and may_date(low) and date_line(text) is not None


def is_placeholder(line: str) -> bool:
    """Whether a line is only a placeholder, a photo credit or a tool's label."""
    text = line.strip().strip("*_").strip()
    if not text or len(text) > 120:
        return False
    match = _PLACEHOLDER.match(text)
    if match is None:
        return False
    if ":" in text and not text.rstrip(" )]").endswith(":"):
        credit = text.split(":", 1)[1]
        return len(credit.split()) <= _CREDIT_WORDS
    return True


# -- the head, the tail, the middle ------------------------------------------------------


def _head(lines: list[str], title: str, drop: set[int]) -> int:
    """Mark the head's furniture and title copies in ``drop``; the index where the scan stopped.

    The head ends at the first line of prose (or Markdown structure). Above its last
    copy of the title, every short line is the page's (a site name, a menu); below
    it, furniture goes and other short lines stay. A byline stays, and does not end
    the furniture under the title ("By Jane Doe", then "Published: March 3, 2024").
    """
    wanted = plain(title).casefold()
    pending: list[int] = []  # short lines that a copy of the title below would drop
    seen = 0
    index = 0
    for index, raw in enumerate(lines):
        if not raw.strip() or index in drop:
            continue
        seen += 1
        if seen > SCAN_LINES or _is_prose(raw, len(title)) or _BLOCK.match(raw):
            return index
        text = _read(raw)
        if wanted and text.casefold() == wanted:  # a copy of the title
            drop.update(pending)
            pending.clear()
            drop.add(index)
            continue
        if is_furniture(text) or is_placeholder(raw):
            if pending:
                pending.append(index)
            else:
                drop.add(index)
            continue
        if _words(text) > 6 or is_sentence(text) or _is_paragraph(text):
            return index
        if not (_BYLINE.match(text) and _words(text) <= 8):
            pending.append(index)
    return index + 1


def _tail(lines: list[str], stop: int, drop: set[int]) -> None:
    """Mark the tail's furniture in ``drop``, reading up from the end to line ``stop``.

    A list of short lines under a heading such as "Related posts" goes with it.
    """
    pending: list[int] = []  # short lines that a "Related posts" above would drop
    seen = 0
    for index in range(len(lines) - 1, stop - 1, -1):
        raw = lines[index]
        if not raw.strip() or index in drop:
            continue
        seen += 1
        if seen > SCAN_LINES or _is_prose(raw, 0):
            return
        text = _read(raw)
        if _label(text) in _SECTIONS:
            drop.update(pending)
            pending.clear()
            drop.add(index)
            continue
        if is_furniture(text) or is_placeholder(raw):
            drop.add(index)
            continue
        if ends_sentence(text) or _words(text) > 15 or _is_paragraph(text):
            return
        pending.append(index)


def _is_prose(raw: str, title_chars: int) -> bool:
    """Whether a line is too long for anything but prose (or a notice, or the title):
    decided before the line is read, which most articles' first and last lines are."""
    size = len(raw)
    if size <= max(LONG_LINE, title_chars + 20):
        return False
    if size > NOTICE_CHARS:
        return True
    low = raw.casefold()
    return not any(word in low for word in _NOTICE_WORDS)


def _is_paragraph(text: str) -> bool:
    return len(text) > 200


def _words(text: str) -> int:
    """Words, each CJK character counted as one."""
    return len(text.split()) + (cjk_count(text) if not text.isascii() else 0)


def _middle(body: str, lines: list[str], drop: set[int], placeholders: bool, hashes: bool) -> bool:
    """Drop placeholder lines and stray ``###`` outside code fences; whether any changed.

    Only the lines a search of ``body`` finds are looked at, not every line, and the
    code fences are found only once such a line needs to know.
    """
    candidates: list[tuple[int, bool]] = []  # (line, whether it may be a placeholder)
    if placeholders:
        found = _lines_at(body, _PLACEHOLDER_HINT, 1)
        candidates += [(0, True)] * bool(lines[0].strip()) + [(i, True) for i in found]
    if hashes:  # marks in code are no stray marks
        hashed = _lines_with(body, " ##")
        candidates += [(i, False) for i in hashed if "`" not in lines[i]]
    candidates = [(i, kind) for i, kind in candidates if i not in drop]
    if not candidates:
        return False
    fenced = _fenced(lines) if "```" in body or "~~~" in body else frozenset()
    changed = False
    for index, placeholder in candidates:
        if index in fenced or index in drop:
            continue
        line = lines[index]
        if placeholder:
            if is_placeholder(line):
                drop.add(index)
                changed = True
            continue
        fixed = _STRAY_HASHES.sub("", line)
        if fixed != line:
            lines[index] = fixed
            changed = True
    return changed


def _lines_at(body: str, pattern: re.Pattern[str], offset: int) -> list[int]:
    """The (distinct) indexes of the lines where ``pattern`` matches ``body``; a match
    starting ``offset`` characters before its line (at the newline ending the one above)."""
    found: list[int] = []
    line, counted = 0, 0
    for match in pattern.finditer(body):
        start = match.start() + offset
        line += body.count("\n", counted, start)
        counted = start
        if not found or found[-1] != line:
            found.append(line)
    return found


def _lines_with(body: str, needle: str) -> list[int]:
    """The (distinct) indexes of the lines holding ``needle``: a string search, not a pattern's."""
    found: list[int] = []
    line, counted = 0, 0
    at = body.find(needle)
    while at >= 0:
        line += body.count("\n", counted, at)
        counted = at
        if not found or found[-1] != line:
            found.append(line)
        at = body.find(needle, body.find("\n", at) + 1 or len(body))  # the next line on
    return found


def _fenced(lines: list[str]) -> frozenset[int]:
    """The indexes of the lines of fenced code blocks, fences included."""
    return frozenset(n for n, (code, _) in enumerate(fences(lines)) if code)


def _drop_dek(body: str, lines: list[str], drop: set[int]) -> bool:
    """Drop the first paragraph when one of the next few repeats it word for word (say whether).

    Only a paragraph of one line that ends as a sentence: a standfirst printed
    above the article and again in it, never a stanza or a refrain. Found with
    string searches over ``body`` (whose lines are ``lines``), not a line loop.
    """
    first = next((i for i, line in enumerate(lines) if line.strip() and i not in drop), None)
    if first is None or first + 1 >= len(lines) or lines[first + 1].strip():
        return False  # none, or a paragraph of several lines
    line = lines[first]
    if len(line) < DEK_MIN_CHARS or not ends_sentence(line):
        return False
    start = sum(len(text) + 1 for text in lines[: first + 1])  # just past the first copy
    at = body.find(f"\n\n{line}", start - 1)
    if at < 0 or body.count("\n\n", start - 1, at) >= DEK_BLOCKS:
        return False
    end = at + 2 + len(line)  # the copy must be a paragraph of that one line
    if end == len(body) or body.startswith("\n\n", end) or not body[end:].strip():
        drop.add(first)
        return True
    return False


def _join(lines: list[str], drop: set[int]) -> str:
    """The lines kept, with no blank line doubled where one was dropped, none leading or
    trailing (as the reading pane showed a text whose title it took off the top).

    Kept runs are copied as slices: the work is in the number of lines dropped.
    """
    out: list[str] = []
    start = 0
    for index in sorted(drop):
        if index < start:
            continue
        out += lines[start:index]
        start = index + 1
        while start < len(lines) and not lines[start].strip() and (not out or not out[-1].strip()):
            start += 1  # a blank line after one that went, where one is already
    out += lines[start:]
    first, end = 0, len(out)
    while first < end and not out[first].strip():
        first += 1
    while end > first and not out[end - 1].strip():
        end -= 1
    return "\n".join(out[first:end])


def strip_head(body: str, title: str) -> str:
    """The body without the furniture and copies of the title at its top."""
    lines = body.split("\n")
    drop: set[int] = set()
    _head(lines, title, drop)
    if not drop:
        return body
    return _join(lines, drop)


def clean(body: str, title: str) -> Cleaned:
    """``body`` as a reader of the article should see it, and the date its furniture gave.

    See the module's docstring for what goes. A body with nothing to drop comes
    back as it was (the same string).
    """
    lines = body.split("\n")
    drop: set[int] = set()
    stop = _head(lines, title, drop)
    _tail(lines, stop, drop)
    date = date_of_lines([lines[i] for i in sorted(drop)]) if drop else None
    if len(body) > DEK_MIN_CHARS * 2 and _drop_dek(body, lines, drop):
        _head(lines, title, drop)  # what was under the standfirst is the head now
    placeholders = _PLACEHOLDER_HINT.search(body) is not None or is_placeholder(lines[0])
    hashes = " ##" in body  # not "##": a Markdown heading has that
    changed = _middle(body, lines, drop, placeholders, hashes) if placeholders or hashes else False
    if not drop and not changed:
        return Cleaned(body)
    return Cleaned(_join(lines, drop), date)
