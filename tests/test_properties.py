"""Properties over any input: a file's bytes, its front matter, a search query.

Whatever the bytes, parsing gives an article or a skip with a reason, never an
exception, and no article field carries a control character (or a lone
surrogate, which no UTF-8 output can hold). Whatever the text, a query parses
or says why not, and a query that parses runs over an indexed library, with
FTS5 and with the plain scan, without raising.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from aireader.core.article import Article, Skipped
from aireader.core.index import HAS_FTS5, Index
from aireader.core.parse import parse_bytes
from aireader.core.query import Query, QueryError, parse
from aireader.core.search import Search
from aireader.core.store import ArticleState

UNSAFE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff]")
"""Controls other than tab and newline (ESC and C1 included), and lone surrogates."""
FIELDS = ("title", "author", "source", "summary", "body", "lang", "link")
PROPERTY = settings(
    max_examples=250,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)


def check(result: Article | Skipped) -> None:
    """An article whose every field is safe to show, or a skip saying why in one line."""
    assert isinstance(result, Article | Skipped), result
    if isinstance(result, Skipped):
        assert result.reason.strip()
        assert "\n" not in result.reason
        assert not UNSAFE.search(result.reason), result.reason
        return
    assert result.title.strip()
    for name in FIELDS:
        value = getattr(result, name) or ""
        assert not UNSAFE.search(value), (name, value)
    for tag in result.tags:
        assert tag and not UNSAFE.search(tag), tag
    assert len(result.tags) == len(set(result.tag_keys))


def parsed(data: bytes | str, name: str = "x.md") -> Article | Skipped:
    raw = data.encode("utf-8", "surrogatepass") if isinstance(data, str) else data
    return parse_bytes(raw, Path(name), name)


# ---------------------------------------------------------------------------
# Any bytes as a file

FRAGMENTS = [
    b"---\n",
    b"+++\n",
    b"{\n",
    b"}\n",
    b"title: ",
    b"tags: ",
    b"date: ",
    b"- ",
    b"&a ",
    b"*a ",
    b"!!python/object/apply:os.system ",
    b"[",
    b"]",
    b"](",
    b"(",
    b")",
    b"# ",
    b"> ",
    b"```",
    b"\n",
    b"\r",
    b"\r\n",
    b"\t",
    b" ",
    b"\x00",
    b"\x1b",
    b"\x1b[2J",
    b"\x1b]0;pwned\x07",
    b"\x1b]8;;https://evil.example\x1b\\",
    b"\x9b31m",
    b"\xc2\x9b",
    b"\xc2\x85",
    b"\x08",
    b"\x7f",
    b'"\\e[31m"',
    b'"\\ud800"',
    b'"\\u001b"',
    b"\xef\xbb\xbf",
    b"\xff\xfe",
    b"\xfe\xff",
    b"\xed\xa0\x80",
    b"\xe2\x80\xa8",
    "视频".encode(),
    b"[bold]x[/]",
    b"2024-02-30",
    b"99999-01-01",
]
file_bytes = st.one_of(
    st.binary(max_size=2000),
    st.lists(st.one_of(st.sampled_from(FRAGMENTS), st.binary(max_size=20)), max_size=60).map(
        b"".join
    ),
)


@PROPERTY
@given(data=file_bytes, name=st.sampled_from(["x.md", "x.txt", "2024-01-02-x.md"]))
def test_any_bytes_are_an_article_or_a_skip(data: bytes, name: str) -> None:
    check(parsed(data, name))


@PROPERTY
@given(data=file_bytes)
def test_any_bytes_in_utf16_are_an_article_or_a_skip(data: bytes) -> None:
    text = data.decode("utf-8", "replace")
    check(parsed(b"\xff\xfe" + text.encode("utf-16-le")))


# ---------------------------------------------------------------------------
# Any text as front matter, in each dialect

DIALECTS = [("---\n", "\n---\n"), ("+++\n", "\n+++\n"), ("{\n", "\n}\n"), ("{", "}\n")]
SHAPED = st.text(
    alphabet=st.sampled_from(list("abt:-=[]{}!&*'\"#|>,?@`%\\ \n\t019.TZ+eu\x1b\x9b\x07")),
    max_size=200,
)


@PROPERTY
@given(front=st.one_of(st.text(max_size=300), SHAPED), dialect=st.sampled_from(DIALECTS))
def test_any_text_as_front_matter_is_an_article_or_a_skip(
    front: str, dialect: tuple[str, str]
) -> None:
    opening, closing = dialect
    check(parsed(opening + front + closing + "Body text.\n"))


KEYS = ["title", "tags", "date", "author", "authors", "source", "description", "summary"]
KEYS += ["lang", "url", "link", "draft", "categories", "keywords", "taxonomies", "pubDate"]
scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**30), max_value=10**30),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=40),
    st.sampled_from(["2024-02-30", "99999-01-01", "0001-01-01T00:00:00+14:00", "\x1b]0;x\x07"]),
    st.sampled_from(["half \ud800 a pair", "\udfff", "\x9b31m\x85", "[bold]x[/]"]),
)
values = st.recursive(
    scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=5), st.dictionaries(st.sampled_from(KEYS), inner, max_size=4)
    ),
    max_leaves=20,
)
metadata = st.dictionaries(st.sampled_from(KEYS), values, max_size=8)


@PROPERTY
@given(meta=metadata)
def test_any_json_front_matter_is_read(meta: dict[str, Any]) -> None:
    text = json.dumps(meta, indent=1)  # "\ud800" and "\u001b" stay escapes until read
    result = parsed(text + "\nBody text.\n")
    check(result)
    assert isinstance(result, Article), result


@PROPERTY
@given(meta=metadata)
def test_any_yaml_front_matter_is_read(meta: dict[str, Any]) -> None:
    try:
        front = yaml.safe_dump(meta, allow_unicode=False)
    except yaml.YAMLError:  # what PyYAML cannot write (it is not front matter anyone has)
        return
    check(parsed(f"---\n{front}---\nBody text.\n"))


# ---------------------------------------------------------------------------
# Any query, and running it

LIBRARY = {
    "a.md": "---\ntitle: Sora video model\ntags: [sora, AI Video]\ndate: 2024-03-01\n"
    "author: Ana Lund\nlang: pt-BR\nsource: nytimes\n---\nOpen source video, gen-2.\n",
    "news/b.md": "---\ntitle: Veo and Kling\ntags: [veo, kling]\ndate: 2023-12-31T23:00:00-05:00\n"
    "---\nInteligência artificial: [link](https://x.example) and \x1b[2Jescapes.\n",
    "news/2024/c.md": "---\ntitle: 视频生成模型\ntags: [中文]\nlang: zh\n---\n"
    "视频生成模型的比较。\n",
    "d.txt": "A plain text note\n\nNo front matter, no date, OR and NOT and AND.\n",
    "e.md": "---\ntitle: '[bold]Markup[/] $var'\ntags: ['-x', '*', '\"q\"']\n---\n"
    'quote " star *\n',
    "broken.md": "---\ntitle: [unclosed\n---\n",
}


@pytest.fixture(scope="module")
def searches(tmp_path_factory: pytest.TempPathFactory) -> Iterator[list[Search]]:
    root = tmp_path_factory.mktemp("query") / "library"
    for rel, text in LIBRARY.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    out, indexes = [], []
    for fts in sorted({False, HAS_FTS5}):
        index = Index.open(root, tmp_path_factory.mktemp("cache"), fts=fts)
        index.sync()
        ids: list[int] = []
        articles = index.articles(ids=ids)
        states = {articles[0].identity: ArticleState(read=True, bookmarked=True)}
        out.append(Search(index, articles, ids, states))
        indexes.append(index)
    yield out
    for index in indexes:
        index.close()


WORDS = ["sora", "video", "veo", "视频", "生成", "inteligencia", "ana", "x", "a", "OR", "AND"]
WORDS += ["NOT", "(", ")", "-", '"', "*", "-(", "()", '""', "tag:", "tag:sora", "tag:ai-video"]
WORDS += ["author:", "author:lund", "source:nytimes", "title:", "title:veo", "lang:pt", "lang:"]
WORDS += ["in:news", "in:/", "in:", "is:read", "is:unread", "is:bookmarked", "is:", "is:x"]
WORDS += ["after:2024", "after:2024-03", "before:2024-03-01", "after:2024-02-30", "before:0000"]
WORDS += ["after:99999", "before:2024-13", "unknown:x", 'title:"sora video"', 'tag:"a b"*', "gen*"]
WORDS += ["*sora", "\x1b[2J", "\x00", "\ud800", "http://x", "a:b:c", "OR OR", "-OR", "--x"]
queries = st.one_of(
    st.text(max_size=60),
    st.lists(st.sampled_from(WORDS), max_size=8).map(" ".join),
    st.lists(st.sampled_from(WORDS), max_size=8).map("".join),
)


@PROPERTY
@given(source=queries)
def test_any_query_parses_or_says_why(source: str) -> None:
    try:
        query = parse(source)
    except QueryError as exc:
        assert str(exc).strip()
        assert not UNSAFE.search(str(exc)), str(exc)
        return
    assert isinstance(query, Query)


@PROPERTY
@given(source=queries)
def test_any_query_that_parses_runs(searches: list[Search], source: str) -> None:
    try:
        query = parse(source)
    except QueryError:
        return
    results = []
    for search in searches:
        hits = search.run(query)
        count = len(search.articles)
        assert len(hits) == len(set(hits)) and all(0 <= i < count for i in hits)
        results.append(sorted(search.articles[i].relpath for i in hits))
    assert all(r == results[0] for r in results), (source, results)  # FTS5 and the scan agree


@given(st.text(max_size=3000), st.text(max_size=80))
@settings(max_examples=300, deadline=None)
def test_reading_help_takes_any_text(body: str, title: str) -> None:
    """Language, key terms and the extract never fail, and the extract only quotes."""
    from aireader.core.keyterms import candidates, key_terms, pack, unpack
    from aireader.core.language import detect
    from aireader.core.summary import extract, plain_text

    lang = detect(body)
    assert lang is None or lang.isalpha()
    found = candidates(title, body)
    assert unpack(pack(found)) == found
    key_terms(found, {c.key: 1 for c in found}, 10)
    flat = " ".join(plain_text(body).split())
    for sentence in extract(title, body):
        assert sentence in flat
