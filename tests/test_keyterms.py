"""Key terms for untagged articles: derived from their own text against the library."""

from __future__ import annotations

import random
from collections import Counter
from pathlib import Path

import pytest

from aireader.core.article import Article
from aireader.core.keyterms import candidates, key_terms, keys_of, pack, unpack
from aireader.core.parse import parse_file

SEEDS = Path(__file__).resolve().parent / "fixtures" / "seeds"  # the raw seed articles
FILLER_SENTENCE = "it would be said that all of them were there for a day or two"
FILLER = {"said", "also", "new", "would", "one", "people", "according", "the", "and", "like"}


def library_terms(bodies: list[tuple[str, str]]) -> list[list[str]]:
    found = [candidates(title, body) for title, body in bodies]
    docs = Counter(key for cands in found for key in {c.key for c in cands})
    return [key_terms(cands, docs, len(bodies)) for cands in found]


def seed_texts() -> list[tuple[str, str]]:
    paths = sorted(SEEDS.glob("*.txt"))
    out = []
    for path in paths:
        article = parse_file(path.resolve(), path.parent.resolve(), keep_body=True)
        assert isinstance(article, Article)
        out.append((article.title, article.body))
    return out


def test_the_seeds_give_the_terms_a_person_expects_and_no_filler() -> None:
    terms = library_terms(seed_texts())
    every = {t for found in terms for t in found}
    for expected in ("Sora", "OpenAI", "Alibaba", "Wan2.1", "open source"):
        assert expected in every, (expected, terms)
    for found in terms:
        assert 3 <= len(found) <= 6, found
        assert not {t.lower() for t in found} & FILLER, found
    alibaba = next(found for found in terms if "Alibaba" in found)
    assert "Wan2.1" in alibaba and "open source" in alibaba


def test_names_are_kept_whole_and_spellings_are_one_term() -> None:
    body = (
        "The GPT-4o mini model is cheap. GPT-4o mini beats Llama 2 here. "
        "Open-source models matter; open source matters to Meta Platforms. "
        "Meta Platforms said Llama 2 is open-source. Wan2.1 is open source too, and Wan2.1 is fast."
    )
    found = {c.key: c for c in candidates("Cheap models", body)}
    assert found["gpt-4o mini"].name == "GPT-4o mini"
    assert found["meta platforms"].named
    assert found["wan2.1"].count == 2
    assert found["open source"].count == 4  # hyphenated or not, one term
    assert "source" not in found  # a word that only comes inside a phrase is the phrase


def test_a_generated_library_gives_each_article_terms_of_its_own_topic() -> None:
    rng = random.Random(7)
    topics = {
        "space": ["rocket", "orbit", "NASA", "launch pad", "satellite", "Mars rover"],
        "cooking": ["pasta", "olive oil", "oven", "garlic", "tomato sauce", "basil"],
        "finance": ["stocks", "bond yields", "inflation", "central bank", "dividend", "Nasdaq"],
    }
    filler = FILLER_SENTENCE.split()
    bodies, labels = [], []
    for n in range(51):
        topic = list(topics)[n % 3]
        sentences = []
        for _ in range(12):
            words = rng.sample(topics[topic], 2) + rng.sample(filler, 5)
            sentences.append(" ".join(words).capitalize() + ".")
        bodies.append((f"Note {n}", " ".join(sentences)))
        labels.append(topic)
    for found, topic in zip(library_terms(bodies), labels, strict=True):
        assert found, topic
        own = {word.lower() for term in topics[topic] for word in term.split()}
        assert all(set(t.lower().split()) <= own for t in found), (topic, found)


def test_candidates_survive_a_round_trip_through_the_index_text() -> None:
    found = candidates("Sora and Wan2.1", "Sora beats Wan2.1. Sora is fast. Wan2.1 is open.")
    assert unpack(pack(found)) == found
    assert keys_of(pack(found)) == [c.key for c in found]
    assert unpack("") == [] and keys_of("") == []


# -- in the index, the query language and the app ----------------------------------------


def write_untagged(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for path in sorted(SEEDS.glob("*.txt")):
        (folder / path.name).write_bytes(path.read_bytes())
    return folder


def test_the_index_derives_topics_for_untagged_articles_and_keeps_them_current(
    tmp_path: Path,
) -> None:
    from aireader.core.index import Index

    folder = write_untagged(tmp_path / "lib")
    index = Index.open(folder, tmp_path / "cache")
    try:
        index.sync()
        by_title = {a.title: a for a in index.articles()}
        alibaba = next(a for t, a in by_title.items() if t.startswith("Alibaba"))
        assert {"Alibaba", "Wan2.1", "open source"} <= set(alibaba.topics)
        assert all(not a.topics for a in by_title.values() if a.tags)  # tags are enough
        # An edited article gets topics from its new text.
        path = folder / Path(alibaba.relpath)
        path.write_text(
            path.read_text(encoding="utf-8") + "\n\nKling from Kuaishou. Kling again. Kling.\n",
            encoding="utf-8",
        )
        index.sync()
        edited = next(a for a in index.articles() if a.relpath == alibaba.relpath)
        assert edited.topics and "Alibaba" in edited.topics
        # Document counts follow removals: none is left for a term no article has.
        for extra in folder.iterdir():
            extra.unlink()
        index.sync()
        assert index.query("SELECT count(*) FROM term_docs") == [(0,)]
    finally:
        index.close()


def test_topic_finds_articles_by_derived_topic(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from aireader.cli import main

    folder = write_untagged(tmp_path / "lib")
    assert main(["list", str(folder), "topic:wan2.1"]) == 0
    assert "Alibaba" in capsys.readouterr().out
    assert main(["list", str(folder), "tag:wan2.1"]) == 1  # a topic is not a tag
