"""The links in an article: what ``l`` lists, numbered as they come in the text.

Markdown inline links and images, autolinks (``<https://…>``), reference
definitions (``[id]: https://…``) and bare web addresses in any text. Each
address is listed once, at its first place, with the text it first had. The
patterns are linear: a hostile line of brackets cannot make them backtrack.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from aireader.core.text import neutralise_line

SAFE_SCHEMES = ("http://", "https://", "mailto:")
"""The only links aireader hands to the browser."""


@dataclass(frozen=True, slots=True)
class Link:
    text: str
    """What the article calls it (an image's alt text); may be empty."""
    url: str
    image: bool = False

    @property
    def openable(self) -> bool:
        return self.url.lower().startswith(SAFE_SCHEMES)


_INLINE = re.compile(
    r"(!?)\[([^\[\]\n]{0,500})\]\(\s*<?((?:[^\s()<>]|\([^\s()<>]{0,200}\)){1,2000})>?"
    r"(?:\s+[\"'][^\"'\n]{0,300}[\"'])?\s*\)"
)
_REFERENCE = re.compile(
    r"^[ ]{0,3}\[([^\[\]\n]{1,200})\]:[ \t]*<?([^\s<>]{1,2000})>?(?:[ \t].*)?$", re.M
)
_AUTOLINK = re.compile(r"<((?:https?://|mailto:)[^\s<>]{1,2000})>", re.I)
_BARE = re.compile(r"(?<![\w/<\]])(?:https?://|www\.)[^\s<>\"'()\[\]]{2,2000}", re.I)
_TRAILING = ".,;:!?*_~'\""


_IMAGE = re.compile(_INLINE.pattern.replace("(!?)", "!", 1))


def images_shown(markdown: str) -> str:
    """Markdown with each image made a line a terminal can show: its alt text as a
    link, then the address it points to (a terminal shows no pictures)."""

    def shown(match: re.Match[str]) -> str:
        alt = (match[1].strip() or "image").replace("]", "").replace("[", "")
        url = match[2]
        return f"[🖼 {alt}]({url}) ‹{url.replace('<', '%3C').replace('>', '%3E')}›"

    return _IMAGE.sub(shown, markdown)


def _tidy(url: str) -> str:
    url = url.strip().rstrip(_TRAILING)
    if url.lower().startswith("www."):
        url = "https://" + url
    return url


def links(body: str, markdown: bool = True, source: str | None = None) -> list[Link]:
    """The links of an article's text, in order of first appearance, each once.

    ``source`` (the article's own link, from its front matter) comes first.
    """
    found: list[tuple[int, Link]] = []
    if markdown:
        for match in _INLINE.finditer(body):
            image, text, url = match[1] == "!", match[2], match[3]
            found.append((match.start(), Link(neutralise_line(text.strip()), _tidy(url), image)))
        for match in _REFERENCE.finditer(body):
            found.append((match.start(), Link(neutralise_line(match[1].strip()), _tidy(match[2]))))
        for match in _AUTOLINK.finditer(body):
            found.append((match.start(), Link("", _tidy(match[1]))))
        covered = [(m.start(), m.end()) for m in _INLINE.finditer(body)]
    else:
        covered = []
    spans = iter(sorted(covered))
    span = next(spans, None)
    for match in _BARE.finditer(body):
        while span is not None and span[1] <= match.start():
            span = next(spans, None)
        if span is not None and span[0] <= match.start() < span[1]:
            continue  # the address of a Markdown link, already listed
        found.append((match.start(), Link("", _tidy(match[0]))))
    out: list[Link] = []
    seen: set[str] = set()
    if source:
        out.append(Link("source", neutralise_line(source.strip())))
        seen.add(out[0].url)
    for _, link in sorted(found, key=lambda item: item[0]):
        url = neutralise_line(link.url)
        if url and url not in seen:
            seen.add(url)
            out.append(Link(link.text, url, link.image))
    return out
