"""How an article's text is rendered to lines (``ui/widgets/article_text.py``)."""

from __future__ import annotations

import re

from rich.cells import cell_len
from rich.theme import Theme

from aireader.ui.widgets.article_text import LINK_META, render_piece

CLOSING = "、。，．：；？！）」』】》”’"

NEWSLETTER = (
    "上周，特斯拉汽车的老板马斯克（Elon Musk）来中国，7月11日在上海建立全球第二家工厂，"
    "7月12日在北京建立研发中心。然后，与弟弟一起创业，做一个软件项目，1999年被 AltaVista "
    "以3.07亿美元现金和3400万美元股票期权收购。他28岁时，就成了亿万富翁。「这是一个引号里的"
    "句子。」接着，他与朋友合伙创办了 PayPal，2002年以15亿美元卖给了 eBay。"
)


def lines(text: str, width: int, markdown: bool = True) -> list[str]:
    return [strip.text.rstrip() for strip in render_piece(Theme({}), text, markdown, width)]


def test_chinese_wraps_between_characters_not_inside_numbers_or_before_closing_marks() -> None:
    for width in (20, 33, 40, 57, 76):
        for markdown in (True, False):
            shown = [line for line in lines(NEWSLETTER, width, markdown) if line]
            assert "".join(shown).replace(" ", "") == NEWSLETTER.replace(" ", "")
            for n, line in enumerate(shown):
                assert cell_len(line) <= width
                assert line[0] not in CLOSING, (width, line)
                assert line[-1] not in "（「『【《“‘", (width, line)
                if n < len(shown) - 1:  # every line but the last is filled, not ragged
                    assert cell_len(line) >= width - 8, (width, shown)
            for number in ("1999", "3.07", "3400", "2002", "AltaVista", "PayPal"):
                assert any(number in line for line in shown), (number, width, shown)


def test_english_wraps_at_spaces_as_before() -> None:
    text = " ".join(["word"] * 40)
    for line in lines(text, 23):
        assert re.fullmatch(r"(word ?)*", line), line


def test_links_are_click_targets_never_terminal_hyperlinks() -> None:
    strips = render_piece(Theme({}), "See [the paper](https://example.org/p) now.", True, 60)
    segments = [segment for strip in strips for segment in strip]
    link = [s for s in segments if s.style and s.style.meta.get(LINK_META)]
    assert "".join(s.text for s in link) == "the paper"
    assert {s.style.meta[LINK_META] for s in link if s.style} == {"https://example.org/p"}
    assert not any(s.style and s.style.link for s in segments)


def test_headings_sit_at_the_left_and_code_blocks_keep_their_lines() -> None:
    shown = lines("# Title\n\nText.\n\n```\nline one\n    indented\n```\n", 40)
    assert shown[0] == "Title"
    assert set(shown[1]) == {"━"}
    assert " line one" in shown
    assert "     indented" in shown
