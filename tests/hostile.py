"""A folder of hostile files, written at test time (never committed: some are huge).

:func:`build_hostile_folder` writes every kind of file a library folder scraped
from the web, synced from a phone or made by someone else may hold: broken and
malicious front matter, binary and wrongly encoded files, huge and deeply
nested documents, odd file names, symlink traps, and text full of terminal
escape sequences and Rich/Textual markup. The set is deterministic.

Run it by hand to look at the folder::

    PYTHONPATH=src python tests/hostile.py /tmp/hostile
"""

from __future__ import annotations

import codecs
import os
import sys
from pathlib import Path

SECRET = "SECRET-OUTSIDE-THE-ROOT-b7f3"
"""A word only the file outside the root holds: it must appear in no article."""

MB = 1024 * 1024

# Terminal escape sequences an article may carry, each with the text around it.
ESCAPES = (
    "osc0 \x1b]0;pwned\x07 "  # OSC 0: window title, BEL-terminated
    "osc2 \x1b]2;pwned\x1b\\ "  # OSC 2: window title, ST-terminated
    "osc52 \x1b]52;c;cHduZWQ=\x07 "  # OSC 52: write the clipboard
    "osc8 \x1b]8;;https://evil.example/\x07click\x1b]8;;\x07 "  # OSC 8: a hyperlink
    "clear \x1b[2J "  # CSI: clear the screen
    "altscreen \x1b[?1049l "  # leave the alternate screen
    "c1csi \x9b31m "  # 8-bit CSI
    "cr over\rwrite "  # a bare carriage return
    "bs back\x08\x08space "  # backspaces
    "bell \x07 del \x7f nul-free end"
)
# The same, as YAML/JSON/TOML escapes: they only become control characters once
# the front matter is read, after the file's text was cleaned.
ESCAPED = "\\u001b]0;pwned\\u0007 \\u001b[2J \\u001b]52;c;cHduZWQ=\\u0007 \\u009b31m x\\b\\r"
YAML_ESCAPED = "\\e]0;pwned\\a \\e[2J \\e]52;c;cHduZWQ=\\a \\x9b31m \\e[?1049l x\\b\\r"

MARKUP = (
    "[bold red]x[/] [link=https://evil.example]click[/link] "
    "[@click=app.quit]q[/] $variable [on $error]e[/]"
)
"""Rich/Textual markup: an article shows it literally, never interprets it."""

PROSE = (
    "The quick brown fox jumps over the lazy dog while the model renders video. "
    "Open weights, closed weights, and everything between were argued about again. "
)


def _fm(front: str, body: str = "Body text.\n") -> str:
    return f"---\n{front}\n---\n{body}"


def _yaml_bomb() -> str:
    """The "billion laughs": nine levels of nine aliases each (9**9 strings)."""
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for prev, name in zip("abcdefgh", "bcdefghi", strict=True):
        lines.append(f"{name}: &{name} [{','.join(['*' + prev] * 9)}]")
    lines.append("title: *i")
    return _fm("\n".join(lines))


def _narrow_bomb() -> str:
    """Fewer aliases (60), still 6**10 values once expanded, and under ``title``."""
    lines = ["l0: &l0 {k0: lol, k1: lol, k2: lol, k3: lol, k4: lol, k5: lol}"]
    for n in range(1, 11):
        refs = ", ".join(f"k{k}: *l{n - 1}" for k in range(6))
        lines.append(f"l{n}: &l{n} {{{refs}}}")
    lines.append("title: {name: *l10}")
    lines.append("tags: *l10")
    return _fm("\n".join(lines))


def _texts() -> dict[str, tuple[str, str | bytes]]:
    """Small files: relpath -> (what it is, content)."""
    many_tags = ", ".join(f"tag{n}" for n in range(5000))
    table_head = "| " + " | ".join(f"c{n}" for n in range(50)) + " |\n"
    table_rule = "|" + "---|" * 50 + "\n"
    table_rows = "".join(
        "| " + " | ".join(f"r{r}c{c}" for c in range(50)) + " |\n" for r in range(2000)
    )
    utf16_text = "---\ntitle: UTF-16 título\n---\nCorpo em UTF-16 com acentuação.\n"
    return {
        # -- empty and front matter only
        "empty.md": ("an empty file", b""),
        "empty.txt": ("an empty .txt file", b""),
        "front-matter-only.md": ("front matter and no body", "---\ntitle: Only front\n---\n"),
        "front-matter-only-unclosed.md": ("an opening --- and nothing else", "---\n"),
        "front-matter-empty.md": ("empty front matter", "---\n---\nBody.\n"),
        "whitespace-only.md": ("spaces, tabs and newlines only", " \t\n\n  \n\t"),
        # -- broken front matter in each dialect
        "broken/yaml-unclosed-list.md": ("broken YAML", _fm("title: [unclosed")),
        "broken/yaml-bad-indent.md": ("broken YAML", _fm("title: a: b: c\n  - x")),
        "broken/yaml-tab-indent.md": ("YAML indented with a tab", _fm("title: x\n\tauthor: y")),
        "broken/toml.md": ("broken TOML", '+++\ntitle = "no end\n+++\nBody.\n'),
        "broken/toml-duplicate.md": ("TOML with a duplicate key", "+++\na = 1\na = 2\n+++\nB.\n"),
        "broken/json.md": ("broken JSON", '{\n"title": "x",\n}\nBody.\n'),
        "broken/json-unclosed.md": ("JSON never closed", '{\n"title": "x"\nBody.\n'),
        "broken/json-one-line-prose.md": ("prose starting with {", "{not json} at all\n"),
        # -- front matter that is not a mapping
        "shape/list.md": ("front matter that is a list", _fm("- a\n- b\n- c")),
        "shape/scalar.md": ("front matter that is a scalar", _fm("just a string")),
        "shape/number.md": ("front matter that is a number", _fm("42")),
        "shape/json-list.md": ("JSON front matter that is a list", '[\n"a", "b"\n]\nBody.\n'),
        "shape/toml-empty.md": ("empty TOML front matter", "+++\n+++\nBody.\n"),
        "shape/yaml-deep-list.md": (
            "YAML front matter nested 100,000 levels (a C-stack overflow in libyaml's composer)",
            _fm("title: " + "[" * 100_000 + "]" * 100_000),
        ),
        "shape/yaml-deep-map.md": (
            "YAML front matter nested 50,000 flow mappings",
            _fm("title: " + "{a: " * 50_000 + "1" + "}" * 50_000),
        ),
        "shape/yaml-deep-compact.md": (
            "YAML compact nested sequences, 60,000 levels on one line",
            _fm("tags:\n" + "- " * 60_000 + "x"),
        ),
        "shape/json-deep.md": (
            "JSON front matter nested 100,000 levels",
            '{\n"title": ' + "[" * 100_000 + "]" * 100_000 + "\n}\nBody.\n",
        ),
        "shape/toml-deep.md": (
            "TOML front matter nested 100,000 levels",
            "+++\ntitle = " + "[" * 100_000 + "]" * 100_000 + "\n+++\nBody.\n",
        ),
        "shape/yaml-self-reference.md": (
            "YAML aliases that refer to themselves",
            _fm("title: &a [*a]\nauthor: &b {name: *b}\ntags: &c [x, *c]"),
        ),
        # -- wrong types
        "types/title-number.md": ("title is a number", _fm("title: 12345")),
        "types/title-float.md": ("title is a float overflowing to inf", _fm("title: 1e999")),
        "types/title-bool.md": ("title is a boolean", _fm("title: yes")),
        "types/title-list.md": ("title is a list", _fm("title: [a, b, c]")),
        "types/title-nested-list.md": ("title nested lists", _fm("title: [[a, [b]], [[[c]]]]")),
        "types/title-null.md": ("title is null", _fm("title: null")),
        "types/title-tilde.md": ("title is ~", _fm("title: ~")),
        "types/title-map.md": ("title is a mapping", _fm("title: {a: 1, b: [2]}")),
        "types/title-binary.md": ("title is !!binary", _fm("title: !!binary aGVsbG8=")),
        "types/title-set.md": ("title is a !!set", _fm("title: !!set {a, b}")),
        "types/title-huge-int.md": ("title is a 5,000-digit integer", _fm("title: " + "9" * 5000)),
        "types/title-huge-int-json.md": (
            "JSON title is a 5,000-digit integer",
            '{"title": ' + "9" * 5000 + "}\nBody.\n",
        ),
        "types/title-huge.md": ("a 1 MB title", _fm("title: " + "long " * 200_000)),
        "types/title-surrogate-json.md": (
            "JSON title with a lone surrogate escape",
            '{\n"title": "bad \\ud800 half", "author": "\\udfff", "tags": ["\\ud83d"]\n}\nB.\n',
        ),
        "types/title-surrogate-yaml.md": (
            "YAML title with a lone surrogate escape",
            _fm('title: "bad \\ud800 half"\nauthor: "x\\udc00"\ntags: ["\\ud83d", ok]'),
        ),
        "types/keys-not-strings.md": (
            "keys that are numbers, lists, null",
            _fm("1: a\n~: c\n2.5: d\ntrue: e\ntitle: Odd keys"),
        ),
        "types/tags-number.md": ("tags is a number", _fm("tags: 7")),
        "types/tags-float.md": ("tags is nan", _fm("tags: .nan")),
        "types/tags-map.md": ("tags is a mapping", _fm("tags: {a: 1, b: {c: 2}}")),
        "types/tags-nested.md": ("tags nested lists", _fm("tags: [a, [b, [c, [d, [e, [f]]]]]]")),
        "types/tags-nulls.md": ("tags with nulls", _fm("tags: [null, ~, '', x, null]")),
        "types/tags-null.md": ("tags is null", _fm("tags:")),
        "types/tags-bools.md": ("tags are booleans", _fm("tags: [true, false, yes]")),
        "types/tags-5000.md": ("5,000 tags", _fm(f"tags: [{many_tags}]")),
        "types/tags-5000-string.md": ("5,000 tags in one string", _fm(f'tags: "{many_tags}"')),
        "types/tags-5000-block.md": (
            "5,000 tags as a block list",
            _fm("tags:\n" + "".join(f"  - 'tag {n}'\n" for n in range(5000)).rstrip("\n")),
        ),
        "types/tags-huge.md": ("a 500,000-character tag", _fm("tags: [" + "t" * 500_000 + "]")),
        "types/date-not-a-date.md": ("date is not a date", _fm("date: yesterday at noon")),
        "types/date-number.md": ("date is a number", _fm("date: 20240230")),
        "types/date-list.md": ("date is a list", _fm("date: [2024, 1, 1]")),
        "types/date-map.md": ("date is a mapping", _fm("date: {year: 2024}")),
        "types/date-year-99999.md": ("date in year 99999", _fm("date: 99999-01-01")),
        "types/date-year-99999-time.md": ("datetime in 99999", _fm("date: 99999-01-01T00:00:00Z")),
        "types/date-year-0.md": ("date in year 0", _fm("date: 0000-01-01")),
        "types/date-impossible.md": ("2024-02-30", _fm("date: 2024-02-30")),
        "types/date-impossible-time.md": ("time 25:61", _fm("date: 2024-01-01T25:61:00")),
        "types/date-tagged-impossible.md": (
            "an explicit !!timestamp that is impossible",
            _fm("date: !!timestamp 2024-02-30"),
        ),
        "types/date-edge-offset.md": (
            "the first day of year 1 with an offset",
            _fm("date: 0001-01-01T00:00:00+14:00"),
        ),
        "types/date-end-offset.md": (
            "the last second of year 9999 with a negative offset",
            _fm("date: 9999-12-31T23:59:59-14:00"),
        ),
        "types/date-toml-impossible.md": ("TOML 2024-02-30", "+++\ndate = 2024-02-30\n+++\nB.\n"),
        "types/date-json-number.md": ("JSON date is a number", '{"date": 1e308}\nBody.\n'),
        "types/date-rfc2822-bad.md": (
            "RFC 2822-ish junk",
            _fm("date: 'Mon, 99 Foo 2024 99:99:99'"),
        ),
        "2024-02-30-impossible-filename-date.md": ("an impossible date in the file name", "B.\n"),
        "99999-01-01-filename.md": ("a five-digit year in the file name", "Body.\n"),
        "types/draft-weird.md": (
            "draft, lang, link of odd types",
            _fm("draft: [1]\nlang: {a: b}\nurl: 5"),
        ),
        "types/link-javascript.md": ("a javascript: link", _fm("url: 'javascript:alert(1)'")),
        "types/lang-huge.md": ("a 10,000-character language", _fm("lang: " + "x" * 10_000)),
        # -- YAML that would run code, or expand forever
        "yaml/bomb.md": ("a YAML anchor bomb (billion laughs)", _yaml_bomb()),
        "yaml/bomb-narrow.md": ("an anchor bomb under the alias limit", _narrow_bomb()),
        "yaml/python-apply.md": (
            "YAML !!python/object/apply:os.system",
            _fm('title: x\nevil: !!python/object/apply:os.system ["echo pwned"]'),
        ),
        "yaml/python-name.md": (
            "YAML !!python/name:os.system",
            _fm("evil: !!python/name:os.system"),
        ),
        "yaml/python-new.md": (
            "YAML !!python/object/new:os.system",
            _fm('evil: !!python/object/new:os.system ["echo pwned"]'),
        ),
        "yaml/python-module.md": ("YAML !!python/module:os", _fm("evil: !!python/module:os")),
        "yaml/unknown-tag.md": ("an unknown local tag", _fm("title: !foo bar")),
        "yaml/merge-keys.md": ("YAML merge keys", _fm("base: &b {title: Merged}\n<<: *b")),
        "yaml/multi-document.md": ("two YAML documents", _fm("title: a\n---\ntitle: b")),
        # -- bytes and encodings
        "binary/png-header.md": (
            "a PNG file with a .md extension",
            b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x10" + bytes(range(256)) * 4,
        ),
        "binary/nul-bytes.md": ("NUL bytes in text", b"# Title\x00 with NUL\n\nBody\x00.\n"),
        "binary/nul-late.md": (
            "a NUL byte after the first 8 KiB",
            b"# Late NUL\n\n" + b"text " * 2000 + b"\x00\x00 after\n",
        ),
        "binary/all-bytes.md": ("every byte value", bytes(range(256)) * 16),
        "binary/high-bytes.md": ("every byte from 0x80", bytes(range(0x80, 0x100)) * 8),
        "encoding/invalid-utf8.md": (
            "invalid UTF-8",
            b"---\ntitle: Caf\xe9 \xc3\x28 \xff\xfe\n---\nBody \x80\x81\x8d\x9b31m \xed\xa0\x80.\n",
        ),
        "encoding/utf16-le-bom.md": (
            "UTF-16 LE with BOM",
            codecs.BOM_UTF16_LE + utf16_text.encode("utf-16-le"),
        ),
        "encoding/utf16-be-bom.md": (
            "UTF-16 BE with BOM",
            codecs.BOM_UTF16_BE + utf16_text.encode("utf-16-be"),
        ),
        "encoding/utf16-le-no-bom.md": ("UTF-16 LE without BOM", utf16_text.encode("utf-16-le")),
        "encoding/utf16-be-no-bom.md": ("UTF-16 BE without BOM", utf16_text.encode("utf-16-be")),
        "encoding/utf16-odd-length.md": (
            "UTF-16 with a BOM and an odd byte count",
            codecs.BOM_UTF16_LE + b"a\x00b",
        ),
        "encoding/utf16-lone-surrogate.md": (
            "UTF-16 with a lone surrogate",
            codecs.BOM_UTF16_LE
            + "# Half ".encode("utf-16-le")
            + b"\x00\xd8"
            + "x\n".encode("utf-16-le"),
        ),
        "encoding/utf32-bom.md": (
            "UTF-32 with BOM",
            codecs.BOM_UTF32_LE + utf16_text.encode("utf-32-le"),
        ),
        "encoding/utf32-bad.md": (
            "UTF-32 BOM then invalid code points",
            codecs.BOM_UTF32_LE + b"\xff\xff\xff\xff\x00\xd8\x00\x00",
        ),
        "encoding/utf8-bom.md": (
            "UTF-8 with BOM",
            codecs.BOM_UTF8 + _fm("title: BOM title").encode(),
        ),
        "encoding/utf8-double-bom.md": (
            "two UTF-8 BOMs",
            codecs.BOM_UTF8 * 2 + _fm("title: Two BOMs").encode(),
        ),
        "encoding/crlf.md": (
            "CRLF line endings",
            _fm("title: CRLF", "Line one.\n\nLine two.\n").replace("\n", "\r\n"),
        ),
        "encoding/lone-cr.md": (
            "lone CR line endings",
            _fm("title: CR", "Line one.\n\nLine two.\n").replace("\n", "\r"),
        ),
        "encoding/mixed-endings.md": (
            "mixed line endings",
            "---\r\ntitle: Mixed\n---\r# H\r\rBody\r\n",
        ),
        "encoding/unicode-separators.md": (
            "Unicode line and paragraph separators, NEL, form feed, vertical tab",
            "# Sep\u2028ara\u2029tors\x85 \x0c \x0b\n\nBody\u2028text.\n",
        ),
        "encoding/bidi.md": (
            "bidi overrides and zero-width characters",
            "# Ti\u202etle\u200b\n\nBo\u2066dy.\n",
        ),
        # -- Markdown that is deep, wide or never closed
        "markdown/nested-quotes.md": (
            "5,000 nested block quotes",
            "# Quotes\n\n" + ">" * 5000 + " deep\n",
        ),
        "markdown/nested-quotes-lines.md": (
            "5,000 block-quote lines, each one deeper",
            "# Quote lines\n\n" + "".join(">" * n + " q\n" for n in range(1, 5001)),
        ),
        "markdown/nested-lists.md": (
            "5,000 nested list levels",
            "# Lists\n\n" + "- " * 5000 + "deep\n",
        ),
        "markdown/nested-lists-indented.md": (
            "1,000 indented nested list levels",
            "# Indented lists\n\n" + "".join("  " * n + "- item\n" for n in range(1000)),
        ),
        "markdown/nested-emphasis.md": (
            "deep emphasis and brackets",
            "# Em\n\n" + "*_[" * 5000 + "x" + "]_*" * 5000 + "\n",
        ),
        "markdown/huge-table.md": (
            "a 2,000 x 50 table",
            "# Table\n\n" + table_head + table_rule + table_rows,
        ),
        "markdown/unclosed-fence.md": (
            "an unclosed code fence",
            "# Fence\n\n```python\n" + "code = 1\n" * 1000,
        ),
        "markdown/unclosed-html.md": (
            "unclosed HTML and comments",
            "# HTML\n\n<div><!-- never closed\n" + "<b>" * 5000,
        ),
        "markdown/html-script.md": (
            "script tags and javascript links",
            "# Script\n\n<script>alert(1)</script> [x](javascript:alert(1))\n",
        ),
        # -- lines built to make backtracking regular expressions slow
        "regex/heading-spaces.md": (
            "a heading with 200,000 spaces inside",
            "# a" + " " * 200_000 + "b\n\nBody.\n",
        ),
        "regex/heading-hashes.md": (
            "a heading of hashes and spaces",
            "# " + "# " * 100_000 + "\n\nBody.\n",
        ),
        "regex/open-brackets.md": ("200,000 opening brackets", "[" * 200_000 + "\n\nBody.\n"),
        "regex/bracket-paren.md": (
            "70,000 '[](' never closed, broken by spaces",
            ("[](" * 20 + " ") * 3_000 + "\n\nBody.\n",
        ),
        "regex/paren-words.md": (
            "link openings in words",
            "# Links\n\n" + "[a](b c " * 30_000 + "\n",
        ),
        "regex/emphasis-run.md": (
            "a 200,000-character emphasis run",
            "*_`~" * 50_000 + "\n\nBody.\n",
        ),
        "regex/byline.md": ("a line of times", "12:34 " * 50_000 + "\n\nBody.\n"),
        "regex/dashes.md": (
            "a 200,000-dash line and spaces",
            "-" * 200_000 + " " * 100_000 + "x\n",
        ),
        "regex/front-matter-spaces.md": (
            "an opening rule followed by spaces",
            "---" + " " * 200_000 + "x\n---\n",
        ),
        "regex/escape-runs.md": (
            "100,000 unterminated escape sequences",
            "# Escapes\n\n" + "\x1b[" * 50_000 + "\x1b]" * 50_000 + "\n",
        ),
        # -- escape sequences and markup
        "escapes/in-front-matter.md": (
            "raw escape sequences in every field",
            _fm(
                f"title: 'Title {ESCAPES}'\nauthor: 'Au\x1b[31mthor'\nsource: 'So\x9burce'\n"
                f"description: 'Sum\x1b]0;pwned\x07mary'\nlang: 'e\x1b[1mn'\n"
                f"tags: ['t\x1b]0;x\x07ag', 'b\x08c']\nurl: 'https://ok.example/\x1b[2J'",
                f"Body {ESCAPES}\n",
            ),
        ),
        "escapes/yaml-escaped.md": (
            "YAML escapes that decode to control characters",
            _fm(
                f'title: "T {YAML_ESCAPED}"\nauthor: "A {YAML_ESCAPED}"\n'
                f'source: "S {YAML_ESCAPED}"\nsummary: "Su {YAML_ESCAPED}"\n'
                f'lang: "e\\e[1mn"\ntags: ["t {YAML_ESCAPED}", "\\e]0;x\\a"]\n'
                f'link: "https://ok.example/\\e[2J"'
            ),
        ),
        "escapes/json-escaped.md": (
            "JSON escapes that decode to control characters",
            '{\n"title": "T '
            + ESCAPED
            + '", "author": "A '
            + ESCAPED
            + '", "source": "S '
            + ESCAPED
            + '",\n"summary": "'
            + ESCAPED
            + '", "tags": ["'
            + ESCAPED
            + '"], '
            '"lang": "\\u001b[1m", "link": "https://ok.example/\\u001b"\n}\nBody.\n',
        ),
        "escapes/toml-escaped.md": (
            "TOML escapes that decode to control characters",
            '+++\ntitle = "T '
            + ESCAPED.replace("\\b", "\\u0008").replace("\\r", "\\u000d")
            + '"\nauthor = "\\u001b]0;pwned\\u0007A"\ntags = ["\\u001b[2Jt"]\n+++\nBody.\n',
        ),
        "escapes/guessed-title.md": (
            "escapes in a heading that becomes the title",
            f"# Head {ESCAPES}\n\nBody.\n",
        ),
        "escapes/plain-text.txt": (
            "escapes in a .txt file",
            f"Title line {ESCAPES}\n\nBody {ESCAPES}\n",
        ),
        "escapes/c1-bytes.md": (
            "8-bit C1 bytes (not UTF-8)",
            b"# C1 \x9b31m \x9d0;pwned\x07 \x90q\x9c\n\nBody \x85\x9b2J.\n",
        ),
        "escapes/unterminated-osc.md": (
            "an OSC sequence never terminated",
            "# OSC\n\nstart \x1b]0;" + "x" * 10_000,
        ),
        "escapes/ESC[31m-in-name.md": ("escapes in the title and a safe name", f"# {ESCAPES}\n"),
        "markup/title.md": (
            "Rich/Textual markup in the title and body",
            _fm(
                f"title: '{MARKUP}'\nauthor: '[b]Au[/b]'\ntags: ['[red]t[/]', '$var']",
                f"The body repeats it: {MARKUP}\n",
            ),
        ),
        "markup/guessed.md": ("markup in a guessed title", f"# {MARKUP}\n\n{MARKUP}\n"),
        # -- odd names
        "names/with space.md": ("a file name with spaces", "# Spaces\n"),
        "names/with\nnewline.md": ("a file name with a newline", "# Newline\n"),
        "names/with\ttab.md": ("a file name with a tab", "# Tab\n"),
        "names/emoji-😀🎉.md": ("a file name with emoji", "# Emoji\n"),
        "names/中文标题-日本語.md": ("a file name in CJK", "# 中文\n\n视频生成模型。\n"),
        "names/" + "a" * 248 + ".md": ("a 251-character file name", "# Long name\n"),
        "names/" + "文" * 84 + ".md": (
            "an 87-character CJK name of 255 bytes",
            "# Long CJK name\n",
        ),
        "names/UPPER.MD": ("an upper-case extension", "# Upper\n"),
        "names/no-extension": ("no extension (not an article)", "# Not read\n"),
        "names/.hidden.md": ("a hidden file (not an article)", "# Hidden\n"),
        "names/-starts-with-dash.md": ("a name starting with a dash", "# Dash\n"),
        "names/[bold]markup[-].md": ("markup in the file name", "no heading here\n"),
        # -- non-article files beside articles
        "assets/image.png": ("a PNG (not an article)", b"\x89PNG\r\n\x1a\n\x00\x00"),
        "assets/data.json": ("a JSON file (not an article)", '{"title": "not an article"}'),
        "assets/page.html": ("an HTML page (not an article)", "<html><title>No</title></html>"),
        "assets/notes.md.bak": ("a backup file (not an article)", "# Backup\n"),
    }


def _write(path: Path, content: str | bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content.encode("utf-8") if isinstance(content, str) else content)


def _write_large(path: Path, size: int) -> None:
    """Prose in paragraphs, with headings, up to ``size`` bytes."""
    paragraph = (PROSE * 6).encode() + b"\n\n"
    block = b"## A section heading\n\n" + paragraph * 40
    with path.open("wb") as out:
        out.write(b"---\ntitle: A large file\ntags: [big]\n---\n")
        written = 0
        while written < size:
            out.write(block)
            written += len(block)


def build_hostile_folder(root: Path, *, big: bool = True) -> dict[str, str]:
    """Write a hostile library folder at ``root``; return ``{relpath: what it is}``.

    Symlinks are listed by their own relpath. A folder beside ``root`` (its name
    plus ``-outside``) holds the targets outside the root, with :data:`SECRET`.
    """
    root.mkdir(parents=True, exist_ok=True)
    made: dict[str, str] = {}
    for rel, (what, content) in _texts().items():
        _write(root / rel, content)
        made[rel] = what

    # Size: one 4 MB line, and a large file.
    line = (PROSE * (4 * MB // len(PROSE) + 1))[: 4 * MB].replace(". ", ".\u00a0")
    _write(root / "size/long-line.md", "# One long line\n\n" + line + "\n")
    made["size/long-line.md"] = "a 4 MB line"
    _write(root / "size/long-line-no-spaces.md", "x" * (4 * MB) + "\n")
    made["size/long-line-no-spaces.md"] = "a 4 MB word (the first line, so also the title's line)"
    size = 30 * MB if big else 3 * MB
    _write_large(root / "size/large.md", size)
    made["size/large.md"] = f"a {size // MB} MB file"

    # A deep folder tree.
    deep = root / "deep"
    for level in range(60):
        deep = deep / f"level-{level:02d}"
    _write(deep / "bottom.md", "# At the bottom of 60 folders\n")
    made[deep.relative_to(root).as_posix() + "/bottom.md"] = "an article 60 folders down"

    # Symlinks: a loop, a dangling one, and ways out of the root.
    outside = root.parent / f"{root.name}-outside"
    _write(outside / "secret.md", f"# {SECRET}\n\n{SECRET} body.\n")
    _write(outside / "folder" / "inner.md", f"# {SECRET} inner\n")
    links = root / "links"
    links.mkdir(parents=True, exist_ok=True)
    _write(links / "real.md", "# Real article behind links\n")
    link_specs = {
        "links/loop": ("a symlink to its own folder", links, True),
        "links/to-root": ("a symlink back to the root", root, True),
        "links/ping.md": ("a symlink loop between two files", links / "pong.md", False),
        "links/pong.md": ("a symlink loop between two files", links / "ping.md", False),
        "links/self.md": ("a symlink to itself", links / "self.md", False),
        "links/dangling.md": ("a dangling symlink", links / "missing.md", False),
        "links/outside-secret.md": (
            "a symlink to a file outside the root",
            outside / "secret.md",
            False,
        ),
        "links/outside-dir": ("a symlink to a folder outside the root", outside / "folder", True),
        "links/outside-relative.md": (
            "a relative symlink out of the root",
            Path("..") / ".." / outside.name / "secret.md",
            False,
        ),
        "links/inside-copy.md": (
            "a symlink to an article inside the root",
            links / "real.md",
            False,
        ),
    }
    for rel, (what, target, is_dir) in link_specs.items():
        (root / rel).symlink_to(target, target_is_directory=is_dir)
        made[rel] = what

    # Names that are not valid UTF-8 (an old archive's): a file, and a folder.
    raw_root = os.fsencode(root)
    try:
        with open(raw_root + b"/names/caf\xe9-latin1.md", "wb") as out:
            out.write(b"# Latin-1 name\n")
        os.mkdir(raw_root + b"/names/dir-\xff")
        with open(raw_root + b"/names/dir-\xff/inside.md", "wb") as out:
            out.write(b"# Inside a folder whose name is not UTF-8\n")
    except OSError:  # a file system that insists on UTF-8 names (macOS)
        pass
    else:
        made[os.fsdecode(b"names/caf\xe9-latin1.md")] = "a file name that is not UTF-8"
        made[os.fsdecode(b"names/dir-\xff/inside.md")] = "in a folder whose name is not UTF-8"

    # Things that are not regular files, and things that cannot be read.
    if hasattr(os, "mkfifo"):
        os.mkfifo(root / "special-fifo.md")
        made["special-fifo.md"] = "a named pipe with a .md name (reading it would block)"
    locked = root / "locked.md"
    _write(locked, "# Locked\n")
    locked.chmod(0)
    made["locked.md"] = "a file without read permission"
    locked_dir = root / "locked-dir"
    _write(locked_dir / "inside.md", "# Inside a locked folder\n")
    locked_dir.chmod(0)
    made["locked-dir/inside.md"] = "a file in a folder without permissions"
    return made


def unlock(root: Path) -> None:
    """Give back the permissions :func:`build_hostile_folder` took (for clean-up)."""
    for rel in ("locked.md", "locked-dir"):
        path = root / rel
        if path.exists() or path.is_symlink():
            path.chmod(0o755)


if __name__ == "__main__":
    target = Path(sys.argv[1] if len(sys.argv) > 1 else "hostile")
    for rel, what in sorted(build_hostile_folder(target, big="--small" not in sys.argv).items()):
        print(f"{rel!r}: {what}")
