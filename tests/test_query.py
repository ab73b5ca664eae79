"""The search language, against a small mixed library, on both engines (FTS5 and scan)."""

from __future__ import annotations

import textwrap
from dataclasses import dataclass
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from aireader.core.index import HAS_FTS5, Index
from aireader.core.query import EMPTY, QueryError, parse
from aireader.core.search import Search
from aireader.core.store import ArticleState
from aireader.core.words import fold, query_tokens, tokens

FILES = {
    "pt/ia.md": """\
        ---
        title: Inteligência artificial no Brasil
        tags: [IA, Vídeo]
        author: Ana Lima
        source: https://folha.example.com/tec
        lang: pt-BR
        date: 2024-03-05
        ---
        A inteligência artificial generativa cresce. O modelo Wan2.1 da Alibaba é aberto.
        """,
    "zh/video.md": """\
        ---
        title: 阿里巴巴发布视频生成模型
        tags: [视频, open source]
        lang: zh
        date: 2024-02-26
        ---
        阿里巴巴开源了视频生成模型，与 Sora 竞争。
        """,
    "ja/news.md": """\
        ---
        title: 動画生成AIの新モデル
        date: 2024-04-10
        lang: ja
        ---
        新しい動画生成モデルが公開されました。オープンソースです。
        """,
    "en/sora.md": """\
        ---
        title: OpenAI Sora makes video from text
        tags: [Sora, OpenAI]
        author: Farah Lund
        source: Reuters
        date: 2024-02-15T09:30:00Z
        ---
        Sora is a closed model. The open source community answers with Wan2.1,
        a generative video model from Alibaba.
        """,
    "en/wan.md": """\
        ---
        title: Alibaba opens Wan2.1 to everyone
        tags: [open source, Wan2.1]
        date: 2024-02-27
        ---
        The video generator is open source under Apache 2.0. Sora stays closed.
        """,
    "en/notes/cooking.txt": """\
        Notes on bread

        Flour, water, salt. Nothing about video here; generation of gluten only.
        """,
}


@dataclass
class Lib:
    search: Search
    rel: list[str]

    def __call__(self, text: str) -> list[str]:
        return [self.rel[i] for i in self.search.run(parse(text))]

    def set(self, text: str) -> set[str]:
        return set(self(text))


def _library(tmp: Path, fts: bool, states: dict[str, ArticleState] | None = None) -> Lib:
    root = tmp / "lib"
    for rel, text in FILES.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text), encoding="utf-8")
    index = Index.open(root, tmp / f"cache-{fts}", fts=fts)
    index.sync()
    ids: list[int] = []
    articles = index.articles(ids=ids)
    state_map: dict[str, ArticleState] = {}
    for rel, state in (states or {}).items():
        state_map[next(a.identity for a in articles if a.relpath == rel)] = state
    return Lib(Search(index.reader(), articles, ids, state_map), [a.relpath for a in articles])


ENGINES = [pytest.param(True, id="fts5"), pytest.param(False, id="scan")]
if not HAS_FTS5:
    ENGINES = [ENGINES[1]]

READ = ArticleState(read=True)
BOOKMARKED = ArticleState(bookmarked=True)


@pytest.fixture(params=ENGINES)
def lib(request: pytest.FixtureRequest, tmp_path: Path) -> Lib:
    states = {"en/sora.md": READ, "en/wan.md": ArticleState(read=True, bookmarked=True)}
    return _library(tmp_path, request.param, states)


def test_all_words_must_match(lib: Lib) -> None:
    assert lib.set("sora closed") == {"en/sora.md", "en/wan.md"}
    assert lib.set("sora bread") == set()


def test_exact_phrase_keeps_word_order(lib: Lib) -> None:
    assert lib.set('"open source"') == {"en/sora.md", "en/wan.md", "zh/video.md"}
    assert lib.set('"source open"') == set()
    assert lib.set('"generative video model"') == {"en/sora.md"}


def test_minus_excludes(lib: Lib) -> None:
    assert lib.set("sora -closed") == {"zh/video.md"}
    assert lib.set("video -sora") == {"en/notes/cooking.txt", "pt/ia.md"}  # its tag: Vídeo


def test_or(lib: Lib) -> None:
    assert lib.set("bread OR inteligencia") == {"en/notes/cooking.txt", "pt/ia.md"}
    assert lib.set("(bread OR inteligencia) -salt") == {"pt/ia.md"}


def test_prefix(lib: Lib) -> None:
    assert lib.set("generat*") == {"pt/ia.md", "en/sora.md", "en/wan.md", "en/notes/cooking.txt"}
    assert lib.set("generati*") == {"pt/ia.md", "en/sora.md", "en/notes/cooking.txt"}
    assert lib.set("generativ*") == {"pt/ia.md", "en/sora.md"}


def test_words_ignore_case_and_diacritics(lib: Lib) -> None:
    assert lib.set("inteligencia") == {"pt/ia.md"}
    assert lib.set("INTELIGÊNCIA") == {"pt/ia.md"}
    assert lib.set("video") == lib.set("vídeo")


def test_chinese_and_japanese_substrings(lib: Lib) -> None:
    assert lib.set("视频") == {"zh/video.md"}  # inside 视频生成
    assert lib.set("生成模型") == {"zh/video.md"}
    assert lib.set("频") == {"zh/video.md"}  # one character, mid-word
    assert lib.set("動画") == {"ja/news.md"}
    assert lib.set("オープンソース") == {"ja/news.md"}
    assert lib.set("生成") == {"zh/video.md", "ja/news.md"}
    assert lib.set("视频模型") == set()  # not a substring anywhere


def test_names_with_digits_and_dots(lib: Lib) -> None:
    assert lib.set("wan2.1") == {"pt/ia.md", "en/sora.md", "en/wan.md"}
    assert lib.set("title:wan2.1") == {"en/wan.md"}


def test_fields(lib: Lib) -> None:
    assert lib.set("tag:sora") == {"en/sora.md"}
    assert (
        lib.set("tag:open-source") == lib.set('tag:"Open Source"') == {"en/wan.md", "zh/video.md"}
    )
    assert lib.set("tag:vídeo") == {"pt/ia.md"}
    assert lib.set("author:lund") == {"en/sora.md"}
    assert lib.set('author:"ana lima"') == {"pt/ia.md"}
    assert lib.set("source:reuters") == {"en/sora.md"}
    assert lib.set("source:folha") == {"pt/ia.md"}
    assert lib.set("lang:pt") == {"pt/ia.md"}  # pt-BR is Portuguese
    assert lib.set("lang:pt-br") == {"pt/ia.md"}
    assert lib.set("title:alibaba") == {"en/wan.md"}  # not the bodies that name it
    assert lib.set("in:en/notes") == {"en/notes/cooking.txt"}
    assert lib.set("in:en") == {"en/sora.md", "en/wan.md", "en/notes/cooking.txt"}


def test_state_fields(lib: Lib) -> None:
    assert lib.set("is:read") == {"en/sora.md", "en/wan.md"}
    assert lib.set("is:bookmarked") == {"en/wan.md"}
    assert lib.set("is:unread") == set(FILES) - {"en/sora.md", "en/wan.md"}


def test_dates(lib: Lib) -> None:
    assert lib.set("after:2024-03-01 -in:en/notes") == {"pt/ia.md", "ja/news.md"}
    assert lib.set("after:2024-02-27 before:2024-03") == {"en/wan.md"}  # after includes the day
    assert lib.set("before:2024-02-26") == {"en/sora.md"}  # before excludes it
    assert lib.set("after:2024-02 before:2024-03") == {"en/sora.md", "zh/video.md", "en/wan.md"}
    assert lib.set("before:2024") == set()


def test_fields_and_words_combine(lib: Lib) -> None:
    assert lib.set("tag:open-source video") == {"en/wan.md"}
    assert lib.set("sora is:unread") == {"zh/video.md"}
    assert lib.set("alibaba -tag:sora after:2024-02-20") == {"en/wan.md", "pt/ia.md"}
    assert lib.set("tag:sora OR lang:ja") == {"en/sora.md", "ja/news.md"}
    assert lib.set("(sora OR 動画) is:unread -lang:zh") == {"ja/news.md"}


def test_ranking_puts_title_and_tag_matches_first(lib: Lib) -> None:
    # "alibaba" is in the title of one article and only in the bodies of others.
    assert lib("alibaba")[0] == "en/wan.md"
    assert lib("sora")[0] == "en/sora.md"  # title and tag


def test_empty_query_is_everything_newest_first(lib: Lib) -> None:
    assert lib("") == lib.rel
    assert lib.search.run(EMPTY) == list(range(len(FILES)))


def test_field_only_query_keeps_date_order(lib: Lib) -> None:
    hits = lib("lang:pt OR lang:zh OR lang:ja")
    assert hits == [r for r in lib.rel if r in set(hits)]


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ('"open source', "unclosed quote"),
        ("colour:red", "unknown field 'colour:'"),
        ("after:2024-02-30", "bad date"),
        ("before:last-week", "bad date"),
        ("is:maybe", "is: takes"),
        ("tag:", "tag: needs a value"),
        ("sora OR", "OR needs something on each side"),
        ("OR sora", "OR needs something on each side"),
        ("(sora", "missing ')'"),
        ("sora)", "unmatched ')'"),
        ("()", "empty ( )"),
        ("NOT", "NOT needs a word"),
    ],
)
def test_bad_queries_say_why(query: str, message: str) -> None:
    with pytest.raises(QueryError, match=message.replace("(", r"\(").replace(")", r"\)")):
        parse(query)


def test_punctuation_only_words_are_ignored(lib: Lib) -> None:
    assert lib.set("sora ---") == lib.set("sora")
    assert lib.set("!!!") == set(FILES)


@pytest.fixture(scope="module")
def both(tmp_path_factory: pytest.TempPathFactory) -> tuple[Lib, Lib]:
    if not HAS_FTS5:
        pytest.skip("no FTS5 here to compare the scan against")
    home = tmp_path_factory.mktemp("both")
    fts, scan = (_library(home / str(f), f, {"en/sora.md": READ}) for f in (True, False))
    return fts, scan


WORDS = [
    "sora", "video", "open", "source", "gen*", "视频", "生成", "alibaba", "wan2.1", "bread",
    "tag:sora", "lang:pt", "is:read", "in:en", "after:2024-02-26", "inteligencia", "closed",
    '"open source"', "動画", "title:wan2.1", "author:lund", "-sora", "-closed", "-tag:openai",
    "-视频", "(sora OR bread)",
]  # fmt: skip


@settings(max_examples=150, deadline=None)
@given(st.lists(st.sampled_from(WORDS), min_size=1, max_size=4), st.booleans())
def test_fts5_and_scan_find_the_same(both: tuple[Lib, Lib], words: list[str], use_or: bool) -> None:
    text = " OR ".join(f"({w})" for w in words) if use_or else " ".join(words)
    fts, scan = both
    assert fts.set(text) == scan.set(text), text


def test_fold_and_tokens_agree_with_fts5_ascii_tokenizer() -> None:
    """What the scan engine calls words is what FTS5 indexed, for awkward text."""
    import sqlite3

    if not HAS_FTS5:
        pytest.skip("no FTS5 here")
    samples = [
        "Straße ǅemal ½ café naïve ÆSIR",
        "视频生成AI模型",
        "한국어 텍스트",
        "ﾃｽﾄ",
        "e\u0301cole",
        "हिन्दी भाषा",
        "under_score dash-word it's",
        "ℌello ①②",
        "𝐁𝐨𝐥𝐝",
    ]
    conn = sqlite3.connect(":memory:")
    conn.execute("CREATE VIRTUAL TABLE t USING fts5(b, tokenize = 'ascii')")
    conn.execute("CREATE VIRTUAL TABLE v USING fts5vocab(t, 'instance')")
    for n, sample in enumerate(samples):
        conn.execute("INSERT INTO t (rowid, b) VALUES (?, ?)", (n, fold(sample)))
    for n, sample in enumerate(samples):
        indexed = [
            w for (w,) in conn.execute("SELECT term FROM v WHERE doc = ? ORDER BY offset", (n,))
        ]
        assert indexed == tokens(fold(sample)), sample


@given(st.text(max_size=40))
def test_any_text_folds_to_tokens_the_query_side_agrees_with(text: str) -> None:
    """A query for a document's own text, as one phrase, finds that document."""
    from aireader.core.query import Text, text_matches

    found = query_tokens(text)
    if not found:
        return
    document = [tokens(fold(text)), [], [], [], []]
    assert text_matches(Text(tuple(found)), document), (text, found, document[0])


def test_or_joins_the_terms_beside_it(lib: Lib) -> None:
    assert lib.set("closed sora OR bread") == lib.set("closed (sora OR bread)")
    assert lib.set("closed sora OR bread") == {"en/sora.md", "en/wan.md"}
    assert lib.set("(closed sora) OR bread") == {"en/sora.md", "en/wan.md", "en/notes/cooking.txt"}


def test_dates_compare_the_day_the_file_gives_not_utc(tmp_path: Path) -> None:
    """Half past midnight on March 1st in UTC+2 is still March 1st (in UTC: February 29th)."""
    root = tmp_path / "lib"
    root.mkdir()
    (root / "late.md").write_text("---\ntitle: Late\ndate: 2024-03-01T00:30:00+02:00\n---\nx\n")
    (root / "early.md").write_text("---\ntitle: Early\ndate: 2024-02-29T23:30:00-05:00\n---\nx\n")
    index = Index.open(root, tmp_path / "cache")
    index.sync()
    ids: list[int] = []
    articles = index.articles(ids=ids)
    search = Search(index, articles, ids, {})
    titles = lambda q: {articles[i].title for i in search.run(parse(q))}  # noqa: E731
    assert titles("after:2024-03-01") == {"Late"}
    assert titles("before:2024-03-01") == {"Early"}


def test_messages_quote_user_text_on_one_line() -> None:
    with pytest.raises(QueryError) as caught:
        parse('after:"2024\n\x1b[2J-01"')
    assert "\n" not in str(caught.value) and "\x1b" not in str(caught.value)


def test_field_words_are_highlighted_only_where_they_were_asked_for() -> None:
    query = parse("title:wan sora author:lund")
    assert query.title_highlights("Wan and Sora") == [(0, 3), (8, 12)]
    assert query.highlights("Wan and Sora, by Lund") == [(8, 12)]  # a body line
