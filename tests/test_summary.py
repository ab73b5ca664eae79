"""The short extract: sentences taken from the article, never invented."""

from __future__ import annotations

from pathlib import Path

import pytest

from aireader.core.parse import parse_file
from aireader.core.summary import extract, plain_text, sentences

ARTICLES = Path(__file__).resolve().parents[1] / "articles"
SEEDS = Path(__file__).resolve().parent / "fixtures" / "seeds"  # the raw seed articles


def flat(text: str) -> str:
    return " ".join(plain_text(text).split())


def library_files() -> list[Path]:
    return sorted(ARTICLES.glob("*.md")) + sorted(SEEDS.glob("*.txt"))


@pytest.mark.parametrize("path", library_files(), ids=lambda p: p.name)
def test_sentences_are_verbatim_in_order_and_two_or_three(path: Path) -> None:
    article = parse_file(path.resolve(), path.parent.resolve(), keep_body=True)
    assert not isinstance(article, type(None))
    body = getattr(article, "body", "")
    chosen = extract(getattr(article, "title", ""), body)
    assert 2 <= len(chosen) <= 3
    text = flat(body)
    places = [text.index(sentence) for sentence in chosen]  # each one verbatim...
    assert places == sorted(places)  # ...and in the article's order
    for sentence in chosen:
        assert sentence[-1] in ".!?…\"'”’)" or sentence[-1] in "。！？"


def test_headings_links_and_emphasis_are_read_as_a_reader_reads_them() -> None:
    body = (
        "# A heading that is not a sentence\n\n"
        "Short caption\n\n"
        "The **new model** from [Alibaba](https://example.com/a) makes video from text prompts.\n"
        "It was released as open source on Tuesday, said Dr. Lee of the U.S. lab in Boston.\n\n"
        "```\ncode = 'never quoted. Not a sentence at all here.'\n```\n\n"
        "Video models from Alibaba and others now make video from text in seconds.\n"
    )
    found = sentences(plain_text(body))
    assert found == [
        "The new model from Alibaba makes video from text prompts.",
        "It was released as open source on Tuesday, said Dr. Lee of the U.S. lab in Boston.",
        "Video models from Alibaba and others now make video from text in seconds.",
    ]
    assert all(s in flat(body) for s in extract("Alibaba video model", body))


def test_short_and_empty_articles() -> None:
    assert extract("Title", "") == []
    assert extract("Title", "Too short.") == []
    one = "This single sentence is long enough to be an extract on its own."
    assert extract("Title", one) == [one]


def test_chinese_sentences_end_at_chinese_full_stops() -> None:
    body = (
        "阿里巴巴发布了新的视频生成模型，并且宣布开源。"
        "这个模型可以根据文字生成高质量的视频。用户非常喜欢这个新的模型和它的效果。"
    )
    found = sentences(body)
    assert found[0] == "阿里巴巴发布了新的视频生成模型，并且宣布开源。"
    assert len(found) == 3
