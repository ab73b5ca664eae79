"""Records (core.record): the value semantics the rest of aireader relies on.

Articles cross to worker processes by pickle, states are changed by ``replace``
and compared with ``UNTOUCHED``, views are dictionary keys: each of those is
checked here on the real classes.
"""

from __future__ import annotations

import copy
import pickle
from pathlib import Path

import pytest

from aireader.core.article import Article, ArticleDate, Format, Skipped
from aireader.core.config import Settings
from aireader.core.record import FrozenRecordError, Record
from aireader.core.store import UNTOUCHED, ArticleState
from aireader.core.views import View


def _article(**changes: object) -> Article:
    fields: dict[str, object] = {
        "location": "/lib/a.md",
        "relpath": "a.md",
        "title": "A",
        "body": "text",
        "format": Format.MARKDOWN,
        "identity": "id-a",
        "tags": ("Sora AI", "sora-ai", "Video"),
    }
    fields.update(changes)
    return Article(**fields)  # type: ignore[arg-type]


def test_equal_by_value_and_hashable() -> None:
    assert ArticleState() == UNTOUCHED
    assert ArticleState(read=True) != UNTOUCHED
    counts = {View("tag", "sora"): 3}
    assert counts[View("tag", "sora")] == 3
    assert View("tag", "sora") not in {View("tag", "wan"), View("all")}


def test_records_of_different_classes_are_never_equal() -> None:
    class Other(Record):
        __slots__ = ("kind", "tag")
        kind: str
        tag: str

        def __init__(self, kind: str, tag: str) -> None:
            object.__setattr__(self, "kind", kind)
            object.__setattr__(self, "tag", tag)

    assert View("tag", "x") != Other("tag", "x")


def test_fields_cannot_be_assigned_or_deleted() -> None:
    state = ArticleState(read=True)
    with pytest.raises(FrozenRecordError):
        state.read = False  # type: ignore[misc]
    with pytest.raises(AttributeError):
        del state.read  # type: ignore[misc]
    assert state.read is True


def test_replace_changes_only_what_is_named() -> None:
    state = ArticleState(read=True, read_set_at=1.0, position=0.5)
    after = state.replace(bookmarked=True, bookmark_set_at=2.0)
    assert after == ArticleState(True, 1.0, True, 2.0, 0.5, None)
    assert state.bookmarked is False  # the original is untouched
    with pytest.raises(TypeError, match="no field 'raed'"):
        state.replace(raed=True)
    settings = Settings(theme="nord").replace(sort="title")
    assert (settings.theme, settings.sort, settings.keys) == ("nord", "title", {})


def test_tag_keys_are_derived_once_and_kept_by_replace() -> None:
    article = _article()
    assert article.tag_keys == ("sora-ai", "video")
    renamed = article.replace(relpath="b.md", location="/lib/b.md")
    assert renamed.tag_keys == ("sora-ai", "video")
    assert renamed.identity == article.identity and renamed != article


def test_pickle_and_copy_round_trip() -> None:
    from datetime import datetime

    article = _article(date=ArticleDate(datetime(2024, 2, 15), day_only=True), words=12)
    skipped = Skipped(Path("/lib/bad.md"), "bad.md", "front matter is not valid YAML")
    for record in (article, skipped, UNTOUCHED, Settings(folders=(Path("/x"),))):
        again = pickle.loads(pickle.dumps(record))
        assert again == record and type(again) is type(record)
        assert copy.copy(record) == record
    assert pickle.loads(pickle.dumps(article)).date.isoformat() == "2024-02-15"


def test_repr_names_each_field_in_declaration_order() -> None:
    assert repr(View("tag", "sora")) == "View(kind='tag', tag='sora')"
    assert repr(ArticleState()).startswith("ArticleState(read=False, read_set_at=None, ")


def test_a_field_missing_from_slots_is_refused_at_definition() -> None:
    with pytest.raises(TypeError, match="__slots__ must name each annotated field"):

        class Broken(Record):
            __slots__ = ("a",)
            a: int
            b: int
