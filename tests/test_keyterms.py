"""Key terms for untagged articles: derived from their own text against the library."""

from __future__ import annotations

import random
from collections import Counter
from pathlib import Path

from aireader.core.article import Article
from aireader.core.keyterms import candidates, key_terms, keys_of, pack, unpack
from aireader.core.parse import parse_file

SEEDS = Path(__file__).resolve().parents[2] / "shared" / "seeds"
ARTICLES = Path(__file__).resolve().parents[1] / "articles"
FILLER_SENTENCE = "it would be said that all of them were there for a day or two"
FILLER = {"said", "also", "new", "would", "one", "people", "according", "the", "and", "like"}


def library_terms(bodies: list[tuple[str, str]]) -> list[list[str]]:
    found = [candidates(title, body) for title, body in bodies]
    docs = Counter(key for cands in found for key in {c.key for c in cands})
    return [key_terms(cands, docs, len(bodies)) for cands in found]


def seed_texts() -> list[tuple[str, str]]:
    paths = sorted(SEEDS.glob("*.txt")) or sorted(ARTICLES.glob("*.md"))
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
