"""Scraped text shows the article, not the page (issue 14, item 10).

The raw seeds (tests/fixtures/seeds, the files as users have them) with
hand-checked expectations: the title, exactly which lines go, the first and last
paragraph shown, and the date with where it came from. Then the rules on other
shapes of scraped news, the property that no sentence of an article is ever
dropped, the date a page's own text gives, the search seeing only what is shown,
and the raw view's text.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import aireader
from aireader.core.article import Article, DateSource, Skipped
from aireader.core.furniture import clean, is_sentence
from aireader.core.index import search_text
from aireader.core.parse import (
    parse_bytes,
    parse_file,
    raw_text,
    split_front_matter,
    strip_leading_title,
)
from aireader.core.text import decode, neutralise
from aireader.core.words import fold
from test_app import Session, running

SEEDS = Path(__file__).resolve().parent / "fixtures" / "seeds"  # the raw seed articles
SRC = Path(aireader.__file__).resolve().parents[1]
MTIME = 1_700_000_000.0

SORA_DEK = (
    "Sora's sudden appearance made people feel the imminent arrival of artificial"
    " intelligence. In this competition, there ignited infinite love and hate between Google,"
    " Meta, OpenAI, Microsoft, and investors. Where does China stand in this competition?"
)

# Read by hand from each seed: the lines that are the page's, not the article's.
SEEDS_EXPECTED = {
    "000_0a089d81b780c54c.txt": {
        "title": "Alibaba is betting on the open source to dominate the race for AI",
        "dropped": [
            "Ticker",
            "6/recent/ticker-posts",
            "Alibaba is betting on the open source to dominate the race for AI",  # twice
            "Alibaba is betting on the open source to dominate the race for AI",
            "Post a Comment",
            "0 Comments",
        ],
        "first": (
            "Artificial intelligence is evolving at breakneck speed",
            "opening access to its AI model for generating images and videos, Wan2.1.",
        ),
        "last": (
            "Open sourcing Wan2.1 is therefore part of a broader dynamic",
            "anxious not to see certain critical technologies escape its control.",
        ),
        "date": None,  # none in its text: the file's time, marked as such
        "source": DateSource.MTIME,
    },
    "001_57f928c9d1ed6209.txt": {
        "title": "Can Sora Revolutionize the AI Race by Breaking Barriers?",
        "dropped": [
            "Written by 11:47 am AI, Discussions",
            "### Can Sora Revolutionize the AI Race by Breaking Barriers?",
            "Revised Text:",
            "Unchanged Content:",
            *["image", "Photo: Reuters", "image", "Photo: Shutterstock"],
            *["image", "Photo: Brilliant Labs", "image", "Photo: Handout"],
            "Visited 2 times, 1 visit(s) today",
            "Tags: , Last modified: March 25, 2024",
            "Close Search Window",
            "Close",
        ],
        "first": (
            "The optimistic outlook is not unwarranted.",
            "according to some estimates.",
        ),
        "last": (
            "Global Impact is a weekly curated newsletter",
            "for our newsreaders around the world.",
        ),
        "date": "2024-03-25",  # "Last modified: March 25, 2024", below the article
        "source": DateSource.TEXT,
    },
    "002_771302742be78ef7.txt": {
        "title": "Sora's debut, and the starting gun of the AI competition",
        "dropped": [SORA_DEK],  # the standfirst, printed again two paragraphs down
        "first": (
            "A woman dressed in a fashionable black leather jacket",
            'but because of the "shock" brought by AI once again.',
        ),
        "last": (
            "How artificial intelligence goes global is also a topic of concern",
            "this is true globalization, not just 'going global',\" Li Mingshun said.",
        ),
        "date": "2024-04-20T15:33:05.569000+00:00",
        "source": DateSource.FRONT_MATTER,
    },
    "003_91b7da7be6c41ae6.txt": {
        "title": (
            "Disputa dos gigantes da IA: O GPT-5 poderá superar o Sora e remodelar o "
            "cenário da indústria?"
        ),
        "dropped": [
            "Disputa dos gigantes da IA: O GPT-5 poderá superar o Sora e remodelar o "
            "cenário da indústria?"
        ],
        "first": (
            "A tendência explosiva dos curtas-metragens de IA",
            "novas oportunidades e desafios para a indústria do entretenimento digital.",
        ),
        "last": (  # the seed itself stops mid-sentence
            "Se afastarmos nossa visão do fenômeno específico das séries curtas de IA",
            "a inteligência artificial multimodal está criando novas",
        ),
        "date": None,  # "13 de julho", "dia 9 deste mês": events, not the article's date
        "source": DateSource.MTIME,
    },
}
STRAY = re.compile(r"(?<=\S) +#{2,6}(?= +\S)")


def seed_body_lines(name: str) -> list[str]:
    """The seed's lines below its front matter, as written (escapes aside)."""
    _, body = split_front_matter(neutralise(decode((SEEDS / name).read_bytes())))
    return body.split("\n")


def seed(name: str) -> Article:
    result = parse_file(SEEDS / name, SEEDS)
    assert isinstance(result, Article), result
    return result


def paragraphs(body: str) -> list[str]:
    return [p.strip() for p in body.split("\n\n") if p.strip()]


@pytest.mark.parametrize("name", sorted(SEEDS_EXPECTED))
def test_each_seed_shows_its_article_and_nothing_else(name: str) -> None:
    expected = SEEDS_EXPECTED[name]
    article = seed(name)
    assert article.title == expected["title"]
    # Exactly the page's lines go; every other line stays, in order, with a stray
    # "###" taken from between its words and nothing else changed.
    kept = seed_body_lines(name)
    for line in expected["dropped"]:
        kept.remove(line)
    want = [STRAY.sub("", line) for line in kept if line.strip()]
    assert [line for line in article.body.split("\n") if line.strip()] == want
    first, last = paragraphs(article.body)[0], paragraphs(article.body)[-1]
    assert first.startswith(expected["first"][0]) and first.endswith(expected["first"][1])
    assert last.startswith(expected["last"][0]) and last.endswith(expected["last"][1])
    assert article.date_source == expected["source"]
    if expected["date"] is not None:
        assert article.date is not None and article.date.isoformat() == expected["date"]


def test_no_seed_shows_furniture_or_stray_heading_marks() -> None:
    furniture = re.compile(
        r"^(Ticker|Post a Comment|0 Comments|Visited \d|Tags:|Close|image|Photo:|Written by"
        r"|Revised Text:|Unchanged Content:)|###|ticker-posts|Last modified",
        re.MULTILINE,
    )
    for name in SEEDS_EXPECTED:
        assert furniture.search(seed(name).body) is None, name
    portuguese = seed("003_91b7da7be6c41ae6.txt").body
    assert "nesse processo. A primeira minissérie fantástica" in portuguese
    assert 'Além disso, "Sanxingdui: Revelações do Futuro"' in portuguese
    assert "suficiente para provar que, considerando o ambiente" in portuguese


def test_every_sentence_of_every_seed_is_still_there() -> None:
    for name, expected in SEEDS_EXPECTED.items():
        body = seed(name).body
        for line in seed_body_lines(name):
            if is_sentence(line.strip()) and line not in expected["dropped"]:
                assert STRAY.sub("", line.strip()) in body, (name, line[:60])
    # The two that go are a copy of the title and a standfirst shown again below.
    assert SORA_DEK in seed("002_771302742be78ef7.txt").body


# -- the rules on other scraped pages --------------------------------------------------

WORDPRESS = """\
Skip to content
Menu
Home
The Quiet Rise of Video Models
Posted on March 3, 2024 by Jane Doe
By Jane Doe

The first paragraph says something true about video models and the people who make them.

Image

Photo: AFP/Getty Images

A second paragraph follows here, and it also ends the way sentences end.

Share this:
Twitter
Facebook
Like this:
Like Loading...

Related

Why Sora Matters
Open Models Catch Up
In "AI"

Leave a Reply Cancel reply
Your email address will not be published. Required fields are marked *
Comment *
Name *
Email *
Website
Save my name, email, and website in this browser for the next time I comment.
"""


def test_a_wordpress_page_keeps_its_article_byline_and_date() -> None:
    cleaned = clean(WORDPRESS, "The Quiet Rise of Video Models")
    assert cleaned.body == (
        "By Jane Doe\n\n"
        "The first paragraph says something true about video models and the people who"
        " make them.\n\n"
        "A second paragraph follows here, and it also ends the way sentences end."
    )
    assert cleaned.date is not None and cleaned.date.isoformat() == "2024-03-03"


def test_cookie_notices_and_copyright_go_from_the_head_and_tail() -> None:
    body = (
        "We use cookies to improve your experience. By continuing you accept our policy.\n"
        "Accept all\n\n"
        "Body sentence number one is here and it is long enough to count.\n\n"
        "Last updated: 5 June 2024\n"
        "© 2024 Example News. All rights reserved.\n"
    )
    cleaned = clean(body, "A title")
    assert cleaned.body == "Body sentence number one is here and it is long enough to count."
    assert cleaned.date is not None and cleaned.date.isoformat() == "2024-06-05"


def test_furniture_words_inside_the_article_stay() -> None:
    body = (
        "# Title\n\n"
        "First real sentence of the article sits right here, friends.\n\n"
        "Share\n\n"
        "Home is where the heart is, said nobody in this article today.\n\n"
        "Related\n\n"
        "Close\n\n"
        "Another line of the article that is also a full sentence here.\n"
    )
    assert clean(body, "Title").body == body.split("\n\n", 1)[1].rstrip("\n")


def test_the_head_goes_down_to_the_last_copy_of_the_title() -> None:
    body = (
        "Example News\nThe Headline\nSection\nThe Headline\nBy Jane Doe\n"
        "Published: March 3, 2024\nShare\n\n"
        "The article begins with a sentence that is long enough to count.\n"
    )
    cleaned = clean(body, "The Headline")
    assert cleaned.body == (
        "By Jane Doe\n\nThe article begins with a sentence that is long enough to count."
    )
    assert cleaned.date is not None and cleaned.date.isoformat() == "2024-03-03"


def test_a_related_list_goes_only_under_its_heading_at_the_tail() -> None:
    tail = "Last sentence of the story, which ends the article for good.\n\n"
    listed = tail + "You may also like\n\nOne Headline\nAnother Headline\n"
    assert clean(listed, "T").body == tail.rstrip("\n")
    unlisted = tail + "One Headline\nAnother Headline\n"
    assert clean(unlisted, "T").body == unlisted  # short lines, but no heading says so


def test_placeholders_go_but_real_images_captions_and_code_stay() -> None:
    body = (
        "A sentence of the article, with enough words to be one for sure.\n\n"
        "![image](chart.png)\n\n"
        "Photo: A man walks past a shop in Beijing on Tuesday, as the rain starts\n\n"
        "*Photo: Reuters*\n\n"
        "[image]\n\n"
        "Advertisement\n\n"
        "```\nimage\nrun ### this\n```\n\n"
        "Use `a ### b` in the shell, and the image appears in the window.\n"
    )
    shown = clean(body, "T").body
    lines = shown.split("\n")
    assert "![image](chart.png)" in lines
    assert "Photo: A man walks past a shop in Beijing" in shown  # a caption, not a credit
    assert "*Photo: Reuters*" not in lines and "[image]" not in lines
    assert "Advertisement" not in lines
    assert "```\nimage\nrun ### this\n```" in shown  # code is code
    assert "Use `a ### b` in the shell" in shown
    assert "\n\n\n" not in shown  # no blank lines doubled where lines went


def test_stray_heading_marks_go_but_headings_and_closing_hashes_stay() -> None:
    body = (
        "## A heading ##\n\n"
        "A sentence, then ### another one, as a scraper flattened a heading here.\n"
    )
    assert clean(body, "T").body == (
        "## A heading ##\n\nA sentence, then another one, as a scraper flattened a heading here."
    )


def test_a_standfirst_repeated_below_goes_once_but_a_refrain_stays() -> None:
    dek = "The first paragraph is a standfirst, which the page prints again a little below."
    body = f"{dek}\n\nAn anecdote opens the story proper, as stories do.\n\n{dek}\n\nMore.\n"
    assert clean(body, "T").body == body.split("\n\n", 1)[1].rstrip("\n")
    verse = "A line of a song that repeats, long enough to look like a paragraph, la la.\n"
    stanza = verse + verse
    poem = f"{stanza}\nA middle verse.\n\n{stanza}"
    assert clean(poem, "T").body == poem


def test_a_body_with_nothing_to_drop_is_returned_as_it_is() -> None:
    body = "# Notes\n\nPlain text with a date, Published: March 3, 2024, in a sentence.\n"
    cleaned = clean(body, "Other title")
    assert cleaned.body is body
    assert cleaned.date is None  # a date line must stand alone, at the head or the tail


# -- the property: no sentence of an article is dropped --------------------------------

_WORDS = [  # the words of the pages' furniture, in sentences of the article
    "the", "a", "sora", "video", "model", "image", "photo", "share", "comments", "close",
    "tags", "related", "home", "search", "published", "modified", "released", "visited",
    "times", "today", "menu", "ticker", "reuters", "revised", "text", "content", "like",
    "loading", "subscribe", "next", "previous", "print", "email", "credit", "advertisement",
    "by", "on", "march", "25", "2024", "11:47", "am", "written", "post", "leave", "reply",
    "and", "of", "in", "to", "is", "was",
]  # fmt: skip
sentence_st = st.builds(
    lambda words, end: " ".join(words).capitalize() + end,
    st.lists(st.sampled_from(_WORDS), min_size=7, max_size=20),
    st.sampled_from([".", "!", "?", '."', ".)", "…"]),
)
furniture_st = st.sampled_from(
    [
        "Ticker", "Share this:", "0 Comments", "Post a Comment", "image", "Photo: Reuters",
        "Visited 2 times, 1 visit(s) today", "Tags: , Last modified: March 25, 2024",
        "Close Search Window", "Close", "Related posts", "Revised Text:", "Advertisement",
        "Written by 11:47 am AI, Discussions", "6/recent/ticker-posts", "Menu", "Home",
        "Published: March 3, 2024", "## A heading", "- a list item", "> a quote",
    ]
)  # fmt: skip
short_st = st.lists(st.sampled_from(_WORDS), min_size=1, max_size=6).map(" ".join)


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.one_of(sentence_st, furniture_st, short_st, st.just("")), min_size=1, max_size=40),
    st.sampled_from(["Title", "Sora Video Model", "image"]),
)
def test_no_line_with_a_full_sentence_is_ever_dropped(lines: list[str], title: str) -> None:
    """Whatever surrounds them, the lines that read as sentences are all kept
    (furniture goes only at the head and tail, placeholders only as whole lines;
    a standfirst printed twice is shown once)."""
    body = "\n".join(lines) + "\n"
    cleaned = clean(body, title).body
    shown = cleaned.split("\n")
    sentences = [line for line in lines if is_sentence(line)]
    assert set(sentences) <= set(shown)
    assert len([line for line in shown if is_sentence(line)]) >= len(sentences) - 1
    # The reading pane takes the title off the top again: it finds nothing more to take,
    # so what is searched is what is shown.
    assert strip_leading_title(cleaned, title) == cleaned


# -- the date a page's own text gives --------------------------------------------------


def parsed(text: str, name: str = "page.txt") -> Article:
    result = parse_bytes(text.encode(), Path("/lib") / name, name, mtime=MTIME)
    assert isinstance(result, Article), result
    return result


@pytest.mark.parametrize(
    ("head", "tail", "iso"),
    [
        ("Published: March 3, 2024", "", "2024-03-03"),
        ("", "Released on 5 June 2024", "2024-06-05"),
        ("Posted on Sept. 9, 2023 by Ann", "", "2023-09-09"),
        ("Last updated: 2024-02-01T10:00:00Z", "", "2024-02-01T10:00:00+00:00"),
        ("Last modified: March 25, 2024", "Published: 2024-01-02", "2024-01-02"),  # not edited
    ],
)
def test_a_date_line_dates_an_article_with_nothing_better(head: str, tail: str, iso: str) -> None:
    text = f"{head}\n\nThe article starts with a sentence of some length here.\n\n{tail}\n"
    article = parsed(text)
    assert article.date is not None and article.date.isoformat() == iso
    assert article.date_source == DateSource.TEXT
    for line in (head, tail):
        assert not line or line not in article.body  # shown above, as the date


def test_front_matter_and_file_name_dates_come_before_the_text() -> None:
    page = "Published: March 3, 2024\n\nThe article starts with a sentence of some length here.\n"
    front = parsed("---\ndate: 2020-01-01\n---\n" + page, "a.md")
    assert (front.date and front.date.isoformat(), front.date_source) == (
        "2020-01-01",
        DateSource.FRONT_MATTER,
    )
    named = parsed(page, "2021-05-06-a.txt")
    assert (named.date and named.date.isoformat(), named.date_source) == (
        "2021-05-06",
        DateSource.FILENAME,
    )
    plain = parsed("The article starts with a sentence of some length here.\n")
    assert plain.date_source == DateSource.MTIME


def test_a_date_in_the_middle_of_the_article_is_not_its_date() -> None:
    text = (
        "The first sentence of the article is long enough to be prose.\n\n"
        "Released on March 1, 2024\n\n"
        "The last sentence of the article is long enough to be prose too.\n"
    )
    article = parsed(text)
    assert article.date_source == DateSource.MTIME
    assert "Released on March 1, 2024" in article.body


def run_cli(*args: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "aireader", *map(str, args)],
        capture_output=True,
        text=True,
        encoding="utf-8",
        env={**os.environ, "PYTHONPATH": str(SRC), "PYTHONIOENCODING": "utf-8"},
        timeout=60,
    )


def test_the_cli_says_a_date_came_from_the_text() -> None:
    result = run_cli("list", SEEDS, "--json")
    assert result.returncode == 0, result.stderr
    records = {Path(str(r["path"])).name: r for r in map(json.loads, result.stdout.splitlines())}
    scraped = records["001_57f928c9d1ed6209.txt"]
    assert (scraped["date"], scraped["date_source"]) == ("2024-03-25", "text")
    assert records["000_0a089d81b780c54c.txt"]["date_source"] == "mtime"


# -- what is searched is what is shown -------------------------------------------------


def test_the_index_holds_exactly_the_text_the_reader_shows() -> None:
    from aireader.ui.widgets.reader import _prepare

    for name in SEEDS_EXPECTED:
        indexed = seed(name)
        prepared = _prepare(indexed, SEEDS)
        assert not isinstance(prepared, Skipped)
        assert indexed.body == prepared[1]  # the body the reader shows...
        assert search_text(indexed)[4] == fold(prepared[1])  # ...is the text searched


def test_topics_come_from_the_title_and_text_shown_not_from_the_page(tmp_path: Path) -> None:
    from aireader.core.index import Index

    folder = tmp_path / "scraped"
    folder.mkdir()
    (folder / "kling.txt").write_text(
        "Ticker\n\nKuaishou launches Kling\n\n"
        "Kuaishou, the short-video company, has launched Kling, a text-to-video model.\n\n"
        "Related posts\n\nTicker tape returns\nTicker symbols explained\n",
        encoding="utf-8",
    )
    (folder / "other.txt").write_text(
        "A note on rivers\n\nRivers run to the sea, and the sea is wide and deep.\n",
        encoding="utf-8",
    )
    index = Index.open(folder, tmp_path / "cache")
    try:
        index.sync(workers=1)
        topics = {a.relpath: a.topics for a in index.articles()}
    finally:
        index.close()
    assert {"Kling", "Kuaishou"} <= set(topics["kling.txt"])  # its title, and its text
    assert not any("ticker" in topic.casefold() for topic in topics["kling.txt"])


@pytest.mark.parametrize("query", ["ticker", '"post a comment"', '"close search window"'])
def test_searching_for_furniture_finds_nothing(query: str) -> None:
    result = run_cli("search", query, SEEDS)
    assert (result.returncode, result.stdout) == (1, ""), result.stderr
    found = run_cli("search", "wan2.1", SEEDS)  # the article's own words are found
    assert found.returncode == 0 and "Alibaba" in found.stdout


async def reader_text(s: Session) -> str:
    """The reading pane's whole text, as rendered (its lines joined, spaces as one)."""
    return " ".join(" ".join(s.reader.body.lines_text()).split())


async def test_the_app_neither_finds_nor_shows_the_page_around_an_article(
    tmp_path: Path,
) -> None:
    folder = tmp_path / "seeds"
    folder.mkdir()
    for name in SEEDS_EXPECTED:
        (folder / name).write_bytes((SEEDS / name).read_bytes())
    async with running(folder, tmp_path / "state.sqlite3", (80, 24)) as s:
        from test_search_app import note, search_bar, settle, type_text

        await s.press("slash")
        await type_text(s, "ticker")
        await settle(s)
        assert s.list_titles() == []
        assert note(search_bar(s)).startswith(("0 found", "nothing", "no "))
        for _ in "ticker":
            await s.press("backspace")
        await type_text(s, "visited")
        await settle(s)
        assert s.list_titles() == []
        for _ in "visited":
            await s.press("backspace")
        await type_text(s, "breaking barriers")
        await settle(s)
        await s.press("enter", "enter")
        assert s.reader.article is not None
        assert s.reader.article.title.startswith("Can Sora Revolutionize")
        shown = await reader_text(s)
        assert shown.startswith("The optimistic outlook is not unwarranted.")
        assert shown.rstrip().endswith("for our newsreaders around the world.")
        for furniture in ("Revised Text:", "Photo: Reuters", "Visited 2 times", "Close"):
            assert furniture not in shown
        header = s.text(s.reader.query_one("#header"))
        assert "25 March 2024" in header and "file modified" not in header


# -- the raw file, for a "show raw" view -----------------------------------------------


def test_raw_text_is_the_file_as_written_made_safe(tmp_path: Path) -> None:
    path = tmp_path / "page.md"
    path.write_bytes(
        b"---\ntitle: T\n---\nTicker\r\n\x1b]0;pwned\x07Body \x1b[31mred\x1b[0m.\n\nClose\n"
    )
    raw = raw_text(path, "page.md")
    assert not isinstance(raw, Skipped)
    assert raw.complete
    assert raw.text == "---\ntitle: T\n---\nTicker\nBody red.\n\nClose\n"


def test_raw_text_of_a_long_file_stops_at_a_line_end(tmp_path: Path) -> None:
    path = tmp_path / "long.txt"
    path.write_text("first line\nsecond line é\nthird\n", encoding="utf-8")
    raw = raw_text(path, "long.txt", max_bytes=20)
    assert not isinstance(raw, Skipped)
    assert (raw.text, raw.complete) == ("first line\n", False)
    path.write_text("é" * 20, encoding="utf-8")  # one line: cut between characters
    one = raw_text(path, "long.txt", max_bytes=7)
    assert not isinstance(one, Skipped) and one.text == "ééé"


def test_raw_text_of_what_cannot_be_read_says_why(tmp_path: Path) -> None:
    missing = raw_text(tmp_path / "gone.md", "gone.md")
    assert isinstance(missing, Skipped) and "cannot read" in missing.reason
    binary = tmp_path / "b.md"
    binary.write_bytes(b"\x89PNG\x00\x00\x00")
    skipped = raw_text(binary, "b.md")
    assert isinstance(skipped, Skipped) and "binary" in skipped.reason


# -- the bundled library, as the app shows it (issue 14, item 11) -----------------------


async def test_the_bundled_library_shows_real_dates_and_marks_file_times(
    tmp_path: Path,
) -> None:
    from aireader.paths import bundled_library

    async with running(bundled_library(), tmp_path / "state.sqlite3", (80, 24)) as s:
        rows = {title: s.row(title[:30]) for title in s.list_titles()}
        for title, row in rows.items():
            if title.startswith(("Can Sora", "Sora's debut")):  # dated by their seeds
                assert row.rstrip(" │┃").endswith(("2024-03-25", "2024-04-20")), row
                assert "~" not in row
            else:  # no date in the seed: the file's time, and the list says so
                assert row.rstrip(" │┃").endswith("~"), row
        await s.press("G", "enter")  # the oldest: Can Sora, dated by its own text
        assert s.reader.article is not None
        assert s.reader.article.title.startswith("Can Sora Revolutionize")
        assert "25 March 2024" in s.header() and "file modified" not in s.header()
        shown = " ".join(s.text(s.reader).split())
        assert "The optimistic outlook is not unwarranted." in shown
        assert "Revised Text" not in shown
        await s.press("escape", "g", "enter")  # the newest: undated, so the file's time
        assert "file modified" in s.header()
