"""Parsing one file: front matter, fields, titles, encodings, and hostile input."""

from __future__ import annotations

import codecs
import re
from datetime import UTC, datetime
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from aireader.core.article import Article, DateSource, Skipped
from aireader.core.parse import guess_title, parse_bytes, parse_file, strip_leading_title

SEEDS = Path(__file__).resolve().parent / "fixtures" / "seeds"  # the raw seed articles
MTIME = 1_700_000_000.0  # 2023-11-14T22:13:20Z
UNSAFE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")  # controls other than \t and \n


def parse(content: str | bytes, name: str = "a.md", mtime: float = MTIME) -> Article | Skipped:
    data = content.encode("utf-8") if isinstance(content, str) else content
    return parse_bytes(data, Path("/lib") / name, name, mtime=mtime)


def article(content: str | bytes, name: str = "a.md", mtime: float = MTIME) -> Article:
    result = parse(content, name, mtime)
    assert isinstance(result, Article), result
    return result


def skipped(content: str | bytes, name: str = "a.md") -> Skipped:
    result = parse(content, name)
    assert isinstance(result, Skipped), result
    return result


# ---------------------------------------------------------------------------
# Front-matter dialects


def test_yaml_front_matter() -> None:
    a = article("---\ntitle: Hello YAML\ntags: [alpha, beta]\n---\nThe body.\n")
    assert a.title == "Hello YAML"
    assert a.tags == ("alpha", "beta")
    assert a.body.strip() == "The body."
    assert "title:" not in a.body


def test_toml_front_matter_zola_style() -> None:
    a = article(
        "+++\n"
        'title = "Hello TOML"\n'
        "date = 2024-03-25T10:30:00+02:00\n"
        "[taxonomies]\n"
        'tags = ["rust", "web"]\n'
        "+++\n"
        "The body.\n"
    )
    assert a.title == "Hello TOML"
    assert a.tags == ("rust", "web")
    assert a.date is not None
    assert a.date.isoformat() == "2024-03-25T10:30:00+02:00"
    assert a.date_source == DateSource.FRONT_MATTER
    assert a.body.strip() == "The body."


def test_toml_local_date_is_a_whole_day() -> None:
    a = article('+++\ntitle = "T"\ndate = 2024-03-25\n+++\nBody.\n')
    assert a.date is not None
    assert a.date.isoformat() == "2024-03-25"


def test_json_front_matter() -> None:
    a = article(
        '{\n  "title": "Hello JSON",\n  "date": "2024-03-25T10:30:00Z",\n'
        '  "tags": ["x", "y"]\n}\n\nThe body.\n'
    )
    assert a.title == "Hello JSON"
    assert a.tags == ("x", "y")
    assert a.date is not None
    assert a.date.isoformat() == "2024-03-25T10:30:00+00:00"
    assert a.body.strip() == "The body."


def test_json_front_matter_on_one_line() -> None:
    a = article('{"title": "One line", "tags": "a, b"}\nThe body.\n')
    assert (a.title, a.tags, a.body.strip()) == ("One line", ("a", "b"), "The body.")


def test_text_that_merely_starts_with_a_brace_is_body() -> None:
    a = article("{braces} are how this note starts.\n\nMore text.\n", name="note.txt")
    # Text, not front matter: its first line is the title (shown above the body).
    assert (a.title, a.body) == ("{braces} are how this note starts.", "More text.")


def test_broken_json_front_matter_is_skipped_with_the_line() -> None:
    s = skipped('{\n  "title": "x",\n  "tags": [\n}\nBody\n')
    assert "JSON" in s.reason and "line" in s.reason


def test_front_matter_keys_are_case_insensitive() -> None:
    a = article("---\nTitle: Capitalised\nAuthor: Ann\n---\nBody.\n")
    assert a.title == "Capitalised"
    assert a.author == "Ann"


def test_opening_rule_without_closing_is_body_not_metadata() -> None:
    a = article("---\nJust a horizontal rule and then text.\n", name="rule-only.md")
    assert "horizontal rule" in a.body


def test_front_matter_that_is_not_a_mapping_stays_in_the_body() -> None:
    a = article("---\n- just\n- a list\n---\n# Real Title\n\nText.\n")
    assert a.title == "Real Title"
    assert "- a list" in a.body


# ---------------------------------------------------------------------------
# Dates


@pytest.mark.parametrize("key", ["date", "pubDatetime", "pubDate", "published", "created"])
def test_every_date_key_is_read(key: str) -> None:
    a = article(f"---\ntitle: T\n{key}: 2024-03-25T10:30:00+02:00\n---\nBody.\n")
    assert a.date is not None
    assert a.date.isoformat() == "2024-03-25T10:30:00+02:00"
    assert a.date_source == DateSource.FRONT_MATTER


@pytest.mark.parametrize(
    ("written", "iso"),
    [
        ("2024-03-25", "2024-03-25"),  # YAML date
        ("2024-03-25T10:30:00+02:00", "2024-03-25T10:30:00+02:00"),
        ("2024-03-25T10:30:00-05:00", "2024-03-25T10:30:00-05:00"),
        ("2024-03-25 10:30:00 +05:30", "2024-03-25T10:30:00+05:30"),
        ("2024-03-25T10:30:00", "2024-03-25T10:30:00"),  # no zone stays naive
        ("2024-04-20T15:33:05.569Z", "2024-04-20T15:33:05.569000+00:00"),
        ("'Mon, 25 Mar 2024 10:30:00 +0200'", "2024-03-25T10:30:00+02:00"),  # RFC 2822
        ("March 25, 2024", "2024-03-25"),
        ("25 March 2024", "2024-03-25"),
    ],
)
def test_date_formats(written: str, iso: str) -> None:
    a = article(f"---\ntitle: T\ndate: {written}\n---\nBody.\n")
    assert a.date is not None
    assert a.date.isoformat() == iso
    assert a.date_source == DateSource.FRONT_MATTER


def test_offset_counts_when_sorting() -> None:
    east = article("---\ntitle: E\ndate: 2024-03-25T10:00:00+02:00\n---\nBody.\n")
    utc = article("---\ntitle: U\ndate: 2024-03-25T09:00:00Z\n---\nBody.\n")
    assert east.date is not None and utc.date is not None
    # 10:00 at +02:00 is 08:00 UTC: earlier than 09:00 UTC.
    assert east.sort_key < utc.sort_key


def test_unreadable_date_falls_through_to_next_key() -> None:
    a = article("---\ntitle: T\ndate: sometime soon\npubDate: 2024-01-02\n---\nBody.\n")
    assert a.date is not None
    assert a.date.isoformat() == "2024-01-02"


def test_impossible_date_is_not_fatal() -> None:
    a = article("---\ntitle: T\ndate: 2024-02-30\n---\nBody.\n")
    assert a.date_source == DateSource.MTIME


def test_date_from_filename_prefix() -> None:
    a = article("Plain body text without any title line at all.", name="2024-03-05-my-post.md")
    assert a.date is not None
    assert a.date.isoformat() == "2024-03-05"
    assert a.date_source == DateSource.FILENAME


def test_impossible_filename_date_falls_back_to_mtime() -> None:
    a = article("Some text.", name="2024-13-45-not-a-day.md")
    assert a.date_source == DateSource.MTIME


def test_date_from_mtime_when_nothing_else() -> None:
    a = article("---\ntitle: T\n---\nBody.\n", name="undated.md")
    assert a.date_source == DateSource.MTIME
    assert a.date is not None
    assert a.date.value.tzinfo is not None
    assert a.date.value == datetime.fromtimestamp(MTIME, tz=UTC)


def test_front_matter_date_beats_filename_date() -> None:
    a = article("---\ntitle: T\ndate: 2020-01-01\n---\nBody.\n", name="2024-03-05-x.md")
    assert a.date is not None
    assert a.date.isoformat() == "2020-01-01"
    assert a.date_source == DateSource.FRONT_MATTER


# ---------------------------------------------------------------------------
# Tags and other fields


@pytest.mark.parametrize(
    ("front", "tags"),
    [
        ("tags: [one, two]", ("one", "two")),
        ("tags:\n  - one\n  - two words", ("one", "two words")),
        ("tags: one, two words, three", ("one", "two words", "three")),
        ("tags: one two three", ("one", "two", "three")),
        ("categories: [News, Tech]", ("News", "Tech")),
        ("keywords: ai, video", ("ai", "video")),
        ("taxonomies:\n  tags: [zola, ssg]", ("zola", "ssg")),
    ],
)
def test_tags(front: str, tags: tuple[str, ...]) -> None:
    assert article(f"---\ntitle: T\n{front}\n---\nBody.\n").tags == tags


def test_tags_from_several_keys_merge_without_duplicates() -> None:
    a = article("---\ntitle: T\ntags: [AI, video]\ncategories: [News]\nkeywords: ai, Sora\n---\nB")
    assert a.tags == ("AI", "video", "News", "Sora")


def test_non_string_tags_do_not_break_the_file() -> None:
    a = article("---\ntitle: T\ntags: [2024, {a: b}, null, real]\n---\nBody.\n")
    assert "real" in a.tags
    assert "2024" in a.tags


def test_author_summary_lang_draft_link() -> None:
    a = article(
        "---\ntitle: T\nauthor: Jane Doe\ndescription: A short summary.\nlang: pt_BR\n"
        "draft: true\ncanonical: https://example.com/post\n---\nBody.\n"
    )
    assert a.author == "Jane Doe"
    assert a.summary == "A short summary."
    assert a.lang == "pt-br"
    assert a.draft is True
    assert a.link == "https://example.com/post"


def test_summary_key_and_defaults() -> None:
    a = article("---\ntitle: T\nsummary: From summary.\n---\nBody.\n")
    assert a.summary == "From summary."
    assert a.draft is False
    assert a.author is None
    assert a.lang is None
    assert a.link is None


@pytest.mark.parametrize("key", ["url", "link", "canonical"])
def test_link_keys(key: str) -> None:
    a = article(f"---\ntitle: T\n{key}: https://example.com/{key}\n---\nBody.\n")
    assert a.link == f"https://example.com/{key}"


def test_link_must_be_http() -> None:
    a = article("---\ntitle: T\nurl: /relative/path\nlink: javascript:alert(1)\n---\nBody.\n")
    assert a.link is None


# ---------------------------------------------------------------------------
# Titles


def test_front_matter_title_beats_heading() -> None:
    assert article("---\ntitle: From FM\n---\n# From heading\n\nText.\n").title == "From FM"


def test_title_from_first_heading() -> None:
    a = article("# The **Real** Title\n\nSome text follows here.\n\n## Section\n")
    assert a.title == "The Real Title"


def test_heading_after_body_text_is_not_the_title() -> None:
    a = article(
        "This opening paragraph is long enough to be body text, so it ends the title search.\n\n"
        "# A heading much later\n",
        name="fallback-name.md",
    )
    assert a.title == "Fallback name"


def test_title_skips_furniture_and_bylines() -> None:
    body = (
        "Ticker\n\n"
        "Written by 11:47 am AI, Discussions\n\n"
        "The Actual Headline Of This Story\n\n"
        "And then the body text starts, as a proper sentence of reasonable length here.\n"
    )
    assert article(body).title == "The Actual Headline Of This Story"
    assert guess_title(body) == "The Actual Headline Of This Story"


def test_title_from_file_name_when_nothing_else() -> None:
    a = article("ok\n", name="2024-01-02-my-great_post.txt")
    assert a.title == "My great post"


@pytest.mark.parametrize(
    ("seed", "title"),
    [
        (
            "000_0a089d81b780c54c.txt",
            "Alibaba is betting on the open source to dominate the race for AI",
        ),
        ("001_57f928c9d1ed6209.txt", "Can Sora Revolutionize the AI Race by Breaking Barriers?"),
        ("002_771302742be78ef7.txt", "Sora's debut, and the starting gun of the AI competition"),
        (
            "003_91b7da7be6c41ae6.txt",
            "Disputa dos gigantes da IA: O GPT-5 poderá superar o Sora e remodelar o "
            "cenário da indústria?",
        ),
    ],
)
def test_raw_seed_titles(seed: str, title: str) -> None:
    result = parse_file(SEEDS / seed, SEEDS)
    assert isinstance(result, Article), result
    assert result.title == title
    assert result.relpath == seed


def test_seed_with_front_matter_keeps_its_fields() -> None:
    result = parse_file(SEEDS / "002_771302742be78ef7.txt", SEEDS)
    assert isinstance(result, Article)
    assert result.author == "Sat Naing"
    assert result.tags == ("sora", "sora ai", "text to video")
    assert result.date is not None
    assert result.date.isoformat() == "2024-04-20T15:33:05.569000+00:00"


# ---------------------------------------------------------------------------
# strip_leading_title


def test_strip_leading_title_removes_repeated_title_and_furniture() -> None:
    seed = parse_file(SEEDS / "000_0a089d81b780c54c.txt", SEEDS)
    assert isinstance(seed, Article)
    body = strip_leading_title(seed.body, seed.title)
    assert body.startswith("Artificial intelligence is evolving")
    assert seed.title not in body.split("\n\n")[0]


def test_strip_leading_title_removes_heading_copy() -> None:
    body = "### Can Sora Win?\n\nRevised text.\n"
    assert strip_leading_title(body, "Can Sora Win?").strip() == "Revised text."


def test_strip_leading_title_matches_through_markup_and_case() -> None:
    assert strip_leading_title("**my title**\n\nText.", "My Title") == "Text."


def test_strip_leading_title_leaves_other_bodies_alone() -> None:
    body = "A first paragraph that is clearly not the title at all.\n\nMy Title\n"
    assert strip_leading_title(body, "My Title") == body
    assert strip_leading_title("Intro\n\nText.", "My Title") == "Intro\n\nText."


# ---------------------------------------------------------------------------
# Encodings


def test_utf8_with_bom() -> None:
    a = article(codecs.BOM_UTF8 + "---\ntitle: Café\n---\nNaïve body.\n".encode())
    assert a.title == "Café"
    assert "\ufeff" not in a.body
    assert "Naïve body." in a.body


@pytest.mark.parametrize(
    ("bom", "encoding"),
    [(codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be")],
)
def test_utf16_with_bom(bom: bytes, encoding: str) -> None:
    a = article(bom + "---\ntitle: Ação rápida\n---\nCorpo do texto — ok.\n".encode(encoding))
    assert a.title == "Ação rápida"
    assert "Corpo do texto — ok." in a.body


def test_cp1252_legacy_bytes() -> None:
    data = "---\ntitle: Café “quoted” – dash\n---\nBody €5.\n".encode("cp1252")
    a = article(data)
    assert a.title == "Café “quoted” – dash"
    assert "€5" in a.body


def test_latin1_bytes_undefined_in_cp1252_do_not_crash() -> None:
    a = article(b"Caf\xe9 au lait \x81\x8d\x8f\x90\x9d is served here.\n", name="legacy.txt")
    assert a.title == "Café au lait"  # its one line (\x90 opens a control string to the end)
    assert not UNSAFE.search(a.title + a.body)


def test_crlf_line_endings() -> None:
    a = article(b"---\r\ntitle: Windows\r\ntags: [a]\r\n---\r\nLine one.\r\nLine two.\r\n")
    assert a.title == "Windows"
    assert a.tags == ("a",)
    assert "\r" not in a.body
    assert "Line one.\nLine two." in a.body


def test_crlf_and_lf_copies_have_the_same_identity() -> None:
    text = "# Title\n\nSame words.\n"
    lf = article(text)
    crlf = article(text.replace("\n", "\r\n").encode())
    assert lf.identity == crlf.identity


# ---------------------------------------------------------------------------
# Broken and hostile input


@pytest.mark.parametrize(
    ("content", "kind"),
    [
        ("---\ntitle: [unclosed\n---\nBody.\n", "YAML"),
        ("---\ntitle: a: b: c\n  - x\n---\nBody.\n", "YAML"),
        ('+++\ntitle = "no end\n+++\nBody.\n', "TOML"),
        ('{\n"title": "x",\n}\nBody.\n', "JSON"),
    ],
)
def test_broken_front_matter_is_skipped_with_reason(content: str, kind: str) -> None:
    result = skipped(content)
    assert kind in result.reason
    assert "broken" in result.reason
    assert "\n" not in result.reason
    assert "Traceback" not in result.reason


def test_binary_file_is_skipped() -> None:
    result = skipped(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", name="image.md")
    assert "binary" in result.reason


@pytest.mark.parametrize(
    "tag",
    [
        "!!python/object/apply:os.system",
        "!!python/object/new:os.system",
        "!!python/name:os.system",
    ],
)
def test_yaml_python_tags_are_refused_and_not_run(tmp_path: Path, tag: str) -> None:
    marker = tmp_path / "pwned"
    result = skipped(f"---\ntitle: x\nevil: {tag} ['touch {marker}']\n---\nBody.\n")
    assert "YAML" in result.reason
    assert not marker.exists()


def test_python_object_tag_refused() -> None:
    result = skipped("---\nx: !!python/object:builtins.dict {}\n---\nBody.\n")
    assert "python/object" in result.reason


def test_yaml_alias_bomb_is_refused() -> None:
    lines = ['a: &a ["x","x","x","x","x","x","x","x","x"]']
    for prev, name in zip("abcdefgh", "bcdefghi", strict=True):
        lines.append(f"{name}: &{name} [{', '.join(['*' + prev] * 9)}]")
    result = skipped("---\n" + "\n".join(lines) + "\n---\nBody.\n")
    assert "alias" in result.reason


def test_terminal_escapes_removed_from_title_and_body() -> None:
    evil_title = "Nice\x1b[2J\x1b[H Title\x1b]0;pwned\x07"
    body = (
        "Clip\x1b]52;c;aGVsbG8=\x07board\n"
        "A \x1b]8;;https://evil.example\x1b\\link text\x1b]8;;\x1b\\ here\n"
        "over\rwrite and back\x08\x08space and \x9b31mred\n"
    )
    a = article(f"---\ntitle: '{evil_title}'\nauthor: \"Eve\\e[31m\"\n---\n{body}")
    assert a.title == "Nice Title"
    assert a.author == "Eve"
    for text in (a.title, a.body):
        assert "\x1b" not in text
        assert "\x07" not in text
        assert "\x08" not in text
        assert "\r" not in text
        assert "\x9b" not in text
    assert "Clipboard" in a.body
    assert "link text" in a.body
    assert "evil.example" not in a.body
    assert "pwned" not in a.title


def test_escapes_removed_from_guessed_title() -> None:
    a = article("\x1b[31m# Red \x1b]0;x\x07Heading\x1b[0m\n\nText.\n", name="x.md")
    assert a.title == "Red Heading"


def test_empty_file_is_an_article_named_after_its_file() -> None:
    a = article(b"", name="empty-note.md")
    assert a.title == "Empty note"
    assert a.body == ""


# ---------------------------------------------------------------------------
# Properties

PROPERTY = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _check_safe(result: Article | Skipped) -> None:
    assert isinstance(result, Article | Skipped)
    if isinstance(result, Article):
        assert result.title
        assert not UNSAFE.search(result.title)
        assert not UNSAFE.search(result.body)
        assert all(not UNSAFE.search(tag) for tag in result.tags)
    else:
        assert result.reason


@PROPERTY
@given(data=st.binary(max_size=2000))
def test_any_bytes_parse_without_raising(data: bytes) -> None:
    _check_safe(parse_bytes(data, Path("/lib/x.md"), "x.md", mtime=MTIME))


@PROPERTY
@given(
    prefix=st.sampled_from([b"", b"---\n", b"+++\n", b"{\n", codecs.BOM_UTF16_LE]),
    data=st.binary(max_size=500),
)
def test_any_bytes_after_a_front_matter_opening_never_raise(prefix: bytes, data: bytes) -> None:
    _check_safe(parse_bytes(prefix + data, Path("/lib/x.md"), "x.md", mtime=MTIME))


@PROPERTY
@given(front=st.text(max_size=300))
def test_any_text_as_yaml_front_matter_never_raises(front: str) -> None:
    _check_safe(parse("---\n" + front + "\n---\nBody.\n"))


@PROPERTY
@given(
    front=st.text(
        alphabet=st.sampled_from(list("abc:-[]{}!&*'\"#|>,?@`%\\ \n\t0123456789.T+Z")),
        max_size=200,
    )
)
def test_yaml_shaped_text_as_front_matter_never_raises(front: str) -> None:
    _check_safe(parse("---\n" + front + "\n---\nBody.\n"))


@PROPERTY
@given(front=st.text(max_size=300), dialect=st.sampled_from([("+++\n", "\n+++\n"), ("{", "\n}\n")]))
def test_any_text_as_toml_or_json_front_matter_never_raises(
    front: str, dialect: tuple[str, str]
) -> None:
    opening, closing = dialect
    _check_safe(parse(opening + front + closing + "Body.\n"))


def test_reading_time_follows_the_length_of_the_text() -> None:
    prose = "\n\n".join("This is a sentence of about ten words, give or take." for _ in range(46))
    a = article(f"---\ntitle: T\n---\n{prose}\n")
    assert a.words == 46 * 11
    assert a.reading_minutes == 2
    cjk = article("---\ntitle: T\n---\n" + "视频生成模型" * 80 + "\n")
    assert abs(cjk.words - 480) <= 5
    assert article("---\ntitle: T\n---\n\n").words == 0


def test_reading_a_file_without_deriving_gives_what_the_index_parsed(tmp_path: Path) -> None:
    """The reading pane parses a file with ``derive=False``: the same text and fields
    as the index's parse, without the word count, identity and guessed language."""
    path = tmp_path / "note.md"
    path.write_text(
        "---\ntitle: Uma nota\ndate: 2024-03-01\ntags: [a, b]\n---\n\n"
        "# Uma nota\n\nO modelo de vídeo é aberto, e o código também está disponível.\n",
        encoding="utf-8",
    )
    full = parse_file(path, tmp_path)
    light = parse_file(path, tmp_path, derive=False)
    assert isinstance(full, Article) and isinstance(light, Article)
    for name in ("title", "body", "format", "date", "tags", "author", "link", "relpath"):
        assert getattr(light, name) == getattr(full, name), name
    assert full.words > 0 and full.identity and full.lang == "pt"
    assert (light.words, light.identity, light.lang) == (0, "", None)
