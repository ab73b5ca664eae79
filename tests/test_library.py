"""Loading a folder: which files count, tag groups, order, and the bundled library."""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path

import pytest

from aireader.core.article import Article, DateSource
from aireader.core.library import Library, NotAFolder, check_folder, load_library
from aireader.paths import bundled_library

WriteArticle = Callable[..., Path]


def relpaths(library: Library) -> set[str]:
    return {a.relpath for a in library.articles}


def load_with_timeout(root: Path, seconds: float = 10.0) -> Library:
    """Load in a thread, so a scan that never ends fails the test instead of hanging."""
    box: list[Library] = []
    worker = threading.Thread(target=lambda: box.append(load_library(root)), daemon=True)
    worker.start()
    worker.join(seconds)
    assert not worker.is_alive(), "scanning the library did not finish"
    return box[0]


# ---------------------------------------------------------------------------
# Which files are articles


def test_recursive_scan_of_article_extensions(
    library_dir: Path, write_article: WriteArticle
) -> None:
    write_article("top.md", "# Top\n")
    write_article("sub/second.markdown", "# Second\n")
    write_article("sub/deeper/third.txt", "Third\n")
    write_article("UPPER.MD", "# Upper\n")
    library = load_library(library_dir)
    assert relpaths(library) == {
        "top.md",
        "sub/second.markdown",
        "sub/deeper/third.txt",
        "UPPER.MD",
    }
    assert library.skipped == []
    assert all(a.path.is_absolute() for a in library.articles)


def test_non_article_files_are_ignored(library_dir: Path, write_article: WriteArticle) -> None:
    write_article("keep.md", "# Keep\n")
    write_article("picture.png", b"\x89PNG\r\n\x1a\n\x00\x00")
    write_article("data.json", '{"title": "no"}')
    write_article("page.html", "<h1>no</h1>")
    write_article("README", "no extension")
    write_article("notes.md.bak", "# backup\n")
    library = load_library(library_dir)
    assert relpaths(library) == {"keep.md"}
    assert library.skipped == []


def test_hidden_files_and_folders_are_skipped(
    library_dir: Path, write_article: WriteArticle
) -> None:
    write_article("visible.md", "# Visible\n")
    write_article(".hidden.md", "# Hidden\n")
    write_article(".git/COMMIT_EDITMSG.md", "# Git\n")
    write_article(".obsidian/notes/inner.md", "# Obsidian\n")
    write_article("sub/.draft.txt", "Draft\n")
    assert relpaths(load_library(library_dir)) == {"visible.md"}


def test_broken_file_is_reported_not_fatal(library_dir: Path, write_article: WriteArticle) -> None:
    write_article("good.md", "# Good\n")
    write_article("broken.md", "---\ntitle: [oops\n---\nBody\n")
    library = load_library(library_dir)
    assert relpaths(library) == {"good.md"}
    assert [s.relpath for s in library.skipped] == ["broken.md"]
    assert "YAML" in library.skipped[0].reason


def test_symlink_out_of_the_root_is_not_followed(tmp_path: Path, library_dir: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.md").write_text("# Secret\n")
    (library_dir / "inside.md").write_text("# Inside\n")
    (library_dir / "secret-link.md").symlink_to(outside / "secret.md")
    (library_dir / "outside-dir").symlink_to(outside, target_is_directory=True)
    library = load_library(library_dir)
    assert relpaths(library) == {"inside.md"}
    assert all("Secret" not in a.title for a in library.articles)


def test_symlink_inside_the_root_is_followed_once(library_dir: Path) -> None:
    (library_dir / "real").mkdir()
    (library_dir / "real" / "doc.md").write_text("# Doc\n")
    (library_dir / "alias").symlink_to(library_dir / "real", target_is_directory=True)
    (library_dir / "doc-link.md").symlink_to(library_dir / "real" / "doc.md")
    library = load_library(library_dir)
    assert [a.title for a in library.articles] == ["Doc"]


def test_symlink_loops_terminate(library_dir: Path) -> None:
    sub = library_dir / "sub"
    sub.mkdir()
    (sub / "a.md").write_text("# A\n")
    (sub / "back-to-root").symlink_to(library_dir, target_is_directory=True)
    (sub / "self").symlink_to(sub, target_is_directory=True)
    (library_dir / "ping.md").symlink_to(library_dir / "pong.md")
    (library_dir / "pong.md").symlink_to(library_dir / "ping.md")
    library = load_with_timeout(library_dir)
    assert relpaths(library) == {"sub/a.md"}


def test_dangling_symlink_is_ignored(library_dir: Path) -> None:
    (library_dir / "real.md").write_text("# Real\n")
    (library_dir / "gone.md").symlink_to(library_dir / "deleted.md")
    library = load_library(library_dir)
    assert relpaths(library) == {"real.md"}
    assert library.skipped == []


def test_empty_folder_loads_empty(library_dir: Path) -> None:
    library = load_library(library_dir)
    assert library.articles == []
    assert library.skipped == []
    assert library.tag_groups() == []


# ---------------------------------------------------------------------------
# check_folder


def test_check_folder_rejects_missing_and_file(tmp_path: Path) -> None:
    with pytest.raises(NotAFolder, match="no such folder"):
        check_folder(tmp_path / "missing")
    a_file = tmp_path / "file.md"
    a_file.write_text("x")
    with pytest.raises(NotAFolder, match="not a folder"):
        check_folder(a_file)


def test_check_folder_resolves(library_dir: Path) -> None:
    assert check_folder(library_dir / "." / ".." / library_dir.name) == library_dir.resolve()


# ---------------------------------------------------------------------------
# Tags


def test_tag_spellings_group_under_most_common(
    library_dir: Path, write_article: WriteArticle
) -> None:
    write_article("a.md", "---\ntitle: A\ntags: [Sora AI, video]\n---\nA\n")
    write_article("b.md", "---\ntitle: B\ntags: [sora-ai]\n---\nB\n")
    write_article("c.md", "---\ntitle: C\ntags: [sora-ai, Video]\n---\nC\n")
    write_article("d.md", "---\ntitle: D\ntags: [sora_ai, china]\n---\nD\n")
    write_article("e.md", "---\ntitle: E\ntags: [SORA AI, Sora-AI]\n---\nE\n")
    groups = load_library(library_dir).tag_groups()
    by_key = {g.key: g for g in groups}
    assert set(by_key) == {"sora-ai", "video", "china"}
    assert by_key["sora-ai"].name == "sora-ai"
    assert by_key["sora-ai"].count == 5  # e.md's two spellings count once
    assert by_key["video"].name == "video"  # a tie goes to the lowercase spelling
    assert by_key["video"].count == 2
    assert by_key["china"].count == 1
    assert [g.key for g in groups] == ["sora-ai", "video", "china"]


def test_article_tag_keys_match_groups(library_dir: Path, write_article: WriteArticle) -> None:
    write_article("a.md", "---\ntitle: A\ntags: [Open Source, open_source]\n---\nA\n")
    (article,) = load_library(library_dir).articles
    assert article.tags == ("Open Source",)
    assert article.tag_keys == ("open-source",)


# ---------------------------------------------------------------------------
# Order


def test_newest_first(library_dir: Path, write_article: WriteArticle) -> None:
    old_mtime = 946_684_800.0  # 2000-01-01
    write_article("mtime-only.md", "# From mtime\n", mtime=old_mtime)
    write_article("2021-06-01-from-name.md", "# From name\n")
    write_article("utc.md", "---\ntitle: Nine UTC\ndate: 2024-03-25T09:00:00Z\n---\nx\n")
    write_article(
        "east.md", "---\ntitle: Ten at plus two\ndate: 2024-03-25T10:00:00+02:00\n---\nx\n"
    )
    write_article("newest.md", "---\ntitle: Newest\ndate: 2025-01-01\n---\nx\n")
    library = load_library(library_dir)
    assert [a.title for a in library.articles] == [
        "Newest",
        "Nine UTC",
        "Ten at plus two",
        "From name",
        "From mtime",
    ]
    sources = {a.relpath: a.date_source for a in library.articles}
    assert sources["mtime-only.md"] == DateSource.MTIME
    assert sources["2021-06-01-from-name.md"] == DateSource.FILENAME
    assert sources["east.md"] == DateSource.FRONT_MATTER


# ---------------------------------------------------------------------------
# The bundled library

BUNDLED_TITLES = {
    "Alibaba is betting on the open source to dominate the race for AI",
    "Can Sora Revolutionize the AI Race by Breaking Barriers?",
    "Sora's debut, and the starting gun of the AI competition",
    "Disputa dos gigantes da IA: O GPT-5 poderá superar o Sora e remodelar o cenário da indústria?",
}


def test_bundled_library_loads_cleanly() -> None:
    library = load_library(bundled_library())
    assert len(library.articles) == 4
    assert library.skipped == []
    assert {a.title for a in library.articles} == BUNDLED_TITLES
    assert sorted(a.lang or "" for a in library.articles) == ["en", "en", "en", "pt"]
    for a in library.articles:
        assert 3 <= len(a.tags) <= 6, a.relpath
        assert a.body.strip()
        assert a.date is not None


def test_bundled_tags_are_lowercase_except_original_seed_tags() -> None:
    library = load_library(bundled_library())
    seed_kept = [a for a in library.articles if a.tags == ("sora", "sora ai", "text to video")]
    assert len(seed_kept) == 1
    for a in library.articles:
        if a not in seed_kept:
            assert all(tag == tag.lower() and " " not in tag for tag in a.tags), a.tags


def test_bundled_library_is_newest_first() -> None:
    keys = [a.sort_key for a in load_library(bundled_library()).articles]
    assert keys == sorted(keys, reverse=True)


def test_bundled_library_is_not_modified_by_loading() -> None:
    root = bundled_library()
    before = {p: p.stat().st_mtime for p in root.rglob("*")}
    load_library(root)
    assert {p: p.stat().st_mtime for p in root.rglob("*")} == before


SEEDS = Path(__file__).resolve().parent / "fixtures" / "seeds"
BUILT_FROM = {  # each bundled article and the raw seed it was made from
    "alibaba-bets-on-open-source.md": "000_0a089d81b780c54c.txt",
    "can-sora-revolutionize-the-ai-race.md": "001_57f928c9d1ed6209.txt",
    "soras-debut-and-the-ai-competition.md": "002_771302742be78ef7.txt",
    "disputa-dos-gigantes-da-ia-gpt-5-e-sora.md": "003_91b7da7be6c41ae6.txt",
}


def test_bundled_library_is_its_seeds_finished_and_nothing_invented() -> None:
    """Each article is its seed's text word for word, less the page's furniture: the
    text the reader shows of the raw seed. Its file holds nothing more to take out."""
    from aireader.core.parse import parse_file, split_front_matter

    library = {a.relpath: a for a in load_library(bundled_library()).articles}
    assert set(library) == set(BUILT_FROM)
    for relpath, seed_name in BUILT_FROM.items():
        article = library[relpath]
        seed = parse_file(SEEDS / seed_name, SEEDS)
        assert isinstance(seed, Article), seed
        assert article.title == seed.title
        assert article.body.strip() == seed.body.strip(), relpath
        written = (bundled_library() / relpath).read_text(encoding="utf-8")
        _, text = split_front_matter(written)
        assert text.strip() == article.body.strip(), relpath  # no furniture in the file
        paragraphs = [p for p in text.split("\n\n") if len(p) > 80]
        assert len(paragraphs) == len(set(paragraphs)), relpath  # none printed twice


def test_bundled_dates_come_only_from_the_seeds_own_text() -> None:
    library = {a.relpath: a for a in load_library(bundled_library()).articles}
    dated = {
        # "Tags: , Last modified: March 25, 2024" closes the seed
        "can-sora-revolutionize-the-ai-race.md": "2024-03-25",
        # the seed's own front matter: pubDatetime
        "soras-debut-and-the-ai-competition.md": "2024-04-20T15:33:05.569000+00:00",
    }
    for relpath, article in library.items():
        if relpath in dated:
            assert article.date is not None and article.date.isoformat() == dated[relpath]
            assert article.date_source == DateSource.FRONT_MATTER
        else:  # no date anywhere in the seed: none is made up, the file's time is marked
            assert article.date_source == DateSource.MTIME, relpath
    front = (bundled_library() / "soras-debut-and-the-ai-competition.md").read_text("utf-8")
    assert "slug:" not in front and "ogImage:" not in front  # a template's, not the article's
