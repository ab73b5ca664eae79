"""The fast YAML path must read exactly what PyYAML reads, or step aside."""

from __future__ import annotations

import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from aireader.core import fastyaml
from aireader.core.parse import _FrontMatterLoader

TRICKY = [
    "yes", "No", "ON", "off", "true", "False", "~", "null", "Null", "", "0", "012", "0x1f",
    "1_000", "1.5", ".5", "1e3", "1.0e+3", "-7", "+7", "1:30", ".inf", ".NaN", "2024-03-25",
    "2024-03-25T10:00:00Z", "a: b", "a:b", "#c", "a #c", "a#c", "- x", "[x]", "{x}", "&a", "*a",
    "!tag", "|", ">", "'q'", '"q"', "it's", "say \"hi\"", "Wan2.1", "GPT-4o mini", "sora ai",
    "%x", "@x", "`x", "x:", "?x", ",x", "é ção 视频", "a,b", "a, b", " spaced ",
]  # fmt: skip
keys = st.sampled_from(["title", "tags", "date", "draft", "a_b", "x-y", "k1"])
scalars = st.one_of(st.sampled_from(TRICKY), st.text(max_size=12))


def _quote(value: str, style: str) -> str:
    if style == "double":
        return f'"{value}"'
    if style == "single":
        return "'" + value.replace("'", "''") + "'"
    return value


@st.composite
def documents(draw: st.DrawFn) -> str:
    lines = []
    for key in draw(st.lists(keys, max_size=5)):
        kind = draw(st.sampled_from(["scalar", "flow", "block", "empty"]))
        if kind == "scalar":
            style = draw(st.sampled_from(["plain", "single", "double"]))
            lines.append(f"{key}: {_quote(draw(scalars), style)}")
        elif kind == "flow":
            items = draw(st.lists(scalars, max_size=4))
            lines.append(f"{key}: [{', '.join(items)}]")
        elif kind == "block":
            indent = draw(st.sampled_from(["", "  ", "    "]))
            lines.append(f"{key}:")
            for item in draw(st.lists(scalars, max_size=4)):
                lines.append(f"{indent}- {item}")
        else:
            lines.append(f"{key}:")
    return "\n".join(lines) + draw(st.sampled_from(["", "\n", "\n\n"]))


@settings(max_examples=600, deadline=None)
@given(documents())
def test_fast_path_agrees_with_pyyaml_or_steps_aside(doc: str) -> None:
    fast = fastyaml.load(doc)
    if fast is None:
        return
    try:
        slow = yaml.load(doc, Loader=_FrontMatterLoader)  # a SafeLoader
    except yaml.YAMLError:
        raise AssertionError(f"fast path accepted what PyYAML rejects: {doc!r}") from None
    assert fast == (slow or {}), doc


def test_fast_path_reads_typical_front_matter() -> None:
    doc = "title: Hello\ndate: 2024-01-02\ntags: [sora, open-source]\ndraft: false\n"
    assert fastyaml.load(doc) == {
        "title": "Hello",
        "date": "2024-01-02",
        "tags": ["sora", "open-source"],
        "draft": False,
    }


def test_fast_path_steps_aside_for_nesting_and_anchors() -> None:
    assert fastyaml.load("taxonomies:\n  tags: [a]\n") is None
    assert fastyaml.load("a: &x 1\nb: *x\n") is None
    assert fastyaml.load("k: |\n  block\n") is None
