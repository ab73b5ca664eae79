"""The links of an article, as ``l`` lists them."""

from __future__ import annotations

from aireader.core.links import Link, links


def test_markdown_links_images_references_autolinks_and_bare_addresses_in_order() -> None:
    body = (
        'See [the post](https://a.com/x "A title") and ![a chart](https://a.com/c.png).\n'
        "Bare https://b.org/page, then <https://c.net/> and www.d.com/p.\n"
        "[ref]: https://e.com/r\n"
        "Again [the same post](https://a.com/x) and [a note](notes/other.md).\n"
    )
    assert links(body, markdown=True, source="https://src.com/a") == [
        Link("source", "https://src.com/a"),
        Link("the post", "https://a.com/x"),
        Link("a chart", "https://a.com/c.png", image=True),
        Link("", "https://b.org/page"),
        Link("", "https://c.net/"),
        Link("", "https://www.d.com/p"),
        Link("ref", "https://e.com/r"),
        Link("a note", "notes/other.md"),
    ]


def test_plain_text_has_only_bare_addresses_without_trailing_punctuation() -> None:
    text = "Read https://x.org/a/b. Or (https://y.org/c)! [not](markdown.md)"
    assert [link.url for link in links(text, markdown=False)] == [
        "https://x.org/a/b",
        "https://y.org/c",
    ]


def test_only_web_and_mail_links_are_openable() -> None:
    found = links(
        "[a](https://a.com) [b](javascript:alert(1)) [c](file:///etc/passwd) [d](mailto:x@y.z)"
    )
    assert [(link.url, link.openable) for link in found] == [
        ("https://a.com", True),
        ("javascript:alert(1)", False),
        ("file:///etc/passwd", False),
        ("mailto:x@y.z", True),
    ]


def test_escape_sequences_in_link_text_and_addresses_are_neutralised() -> None:
    found = links("[\x1b]0;owned\x07click](https://a.com/\x1b[2J)", source="https://s\x1b.com")
    for link in found:
        assert "\x1b" not in link.text and "\x1b" not in link.url
        assert "\x07" not in link.text


def test_hostile_brackets_are_read_through() -> None:
    # Patterns that backtrack would hang here (the hostile-folder tests time nothing).
    assert links("[" * 100_000 + "](" * 50_000 + "https://ab.c/" + "a(" * 50_000) == [
        Link("", "https://ab.c/a")
    ]
    assert links("https://" + "a" * 200_000, markdown=False)[0].url.startswith("https://aaa")


def test_images_are_shown_as_alt_text_and_address() -> None:
    from aireader.core.links import images_shown

    assert images_shown('A ![chart](https://a.com/c.png "t") and ![](x.png).') == (
        "A [🖼 chart](https://a.com/c.png) ‹https://a.com/c.png› and [🖼 image](x.png) ‹x.png›."
    )
    assert images_shown("[a link](https://b.com) stays") == "[a link](https://b.com) stays"
