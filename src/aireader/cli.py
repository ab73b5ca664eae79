"""The command line: ``aireader [FOLDER]`` opens the reader; subcommands script it.

Exit codes: 0 done, 1 nothing matched, 2 bad usage or input. Errors are one
readable line on stderr, never a traceback.
"""

from __future__ import annotations

import argparse
import codecs
import io
import json
import os
import re
import shutil
import sys
import unicodedata
from bisect import bisect_left, bisect_right
from collections.abc import Sequence
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, NoReturn

from aireader import __version__, paths
from aireader.core.article import Article
from aireader.core.library import Library, NotAFolder, check_folder
from aireader.core.store import ArticleState, Store, StoreError
from aireader.core.text import neutralise_line

if TYPE_CHECKING:
    from _typeshed import SupportsWrite

    from aireader.core.query import Query

SUBCOMMANDS = ("list", "search")
EXIT_OK, EXIT_NO_MATCH, EXIT_USAGE = 0, 1, 2

EPILOG = """\
examples:
  aireader                      open the bundled sample library
  aireader ~/notes/articles     open your own folder
  aireader list ~/notes --json  one JSON object per article
  aireader list --skipped       files that could not be loaded, and why
  aireader search "open source" --limit 5
                                the five best matches, each with its passage

Read-state and bookmarks live in the user data folder; --data-dir or
AIREADER_DATA_DIR moves them.
"""

DEFAULT_LIMIT = 20
SEARCH_EPILOG = """\
the query language:
  sora video            both words, anywhere (title, tags, author, source, text)
  "open source"         the exact phrase
  sora -closed          without the word
  sora OR veo           either word
  sora video OR image   sora, and video or image (OR takes the words beside it)
  gen*                  a word starting with "gen"
  (a OR b) -c           parentheses group
  tag:sora  author:lund  source:reuters  title:wan  lang:pt  in:news/2024
  is:unread  is:read  is:bookmarked
  after:2024-03-01  before:2024-05   after: includes the day, before: does not
Case and accents do not matter (inteligencia finds "Inteligência"); Chinese and
Japanese match inside words (视频 finds "视频生成"). A query that starts with
"-" goes after --:  aireader search -- '-draft sora'

examples:
  aireader search sora
  aireader search '"open source" -meta' ~/articles
  aireader search 'tag:sora is:unread after:2024-03-01' --limit 5
  aireader search 'sora OR veo' --json | jq -r .path

Each hit is its title, its date and path in the library, and a passage of its
text with the matched words in [brackets] (highlighted instead on a colour
terminal; NO_COLOR turns colour off).

--json fields: those of aireader list --json (path is the full path), plus rank
(1 is the best), relpath (the path in the library), snippet (the passage, plain)
and highlights ([start, end] character offsets of the matches in snippet).

Exit status: 0 something matched, 1 nothing matched, 2 a bad query or usage.
"""


class _Parser(argparse.ArgumentParser):
    """argparse, but an error is one line and exit code 2."""

    def error(self, message: str) -> NoReturn:
        self.exit(EXIT_USAGE, f"{self.prog}: error: {message} (try --help)\n")

    def print_help(self, file: SupportsWrite[str] | None = None) -> None:
        if file is None and isinstance(sys.stdout, io.TextIOWrapper):
            sys.stdout.reconfigure(errors="replace")  # the examples are not all ASCII
        super().print_help(file)


class _SearchParser(_Parser):
    """The search parser: a query that starts with "-" is taken for an option, so say how."""

    dashed = False
    """Set when an argument looks like ``-word``: perhaps a query, not an option."""

    def error(self, message: str) -> NoReturn:
        if self.dashed and ("required: QUERY" in message or "unrecognized arguments: -" in message):
            message += "; a query that starts with '-' goes after --"
        super().error(message)


def _common(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "folder",
        nargs="?",
        type=Path,
        help="folder of articles (.md, .markdown, .txt); default: the bundled sample library",
    )
    parser.add_argument(
        "--data-dir",
        type=Path,
        metavar="DIR",
        help=f"where read-state and bookmarks are kept (env {paths.DATA_DIR_ENV})",
    )


def build_parser() -> tuple[argparse.ArgumentParser, dict[str, argparse.ArgumentParser]]:
    main = _Parser(
        prog="aireader",
        description="A keyboard-driven terminal reader for a folder of articles.",
        epilog=EPILOG
        + "\ncommands:\n  list    print the library, one article a line\n"
        + "  search  find articles: best matches first, with the passage that matched\n",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    _common(main)
    main.add_argument("--version", action="version", version=f"aireader {__version__}")

    listing = _Parser(
        prog="aireader list",
        description="Print the library, newest first, one article a line.",
        epilog=(
            "examples:\n  aireader list ~/articles\n  aireader list --json | jq .title\n"
            "  aireader list --skipped\n\n"
            "--json fields: path, title, date (ISO 8601, null when unknown), date_source\n"
            "(front matter, filename or mtime), tags, author, lang, read, bookmarked.\n"
        ),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    _common(listing)
    listing.add_argument("--json", action="store_true", help="one JSON object per line")
    listing.add_argument(
        "--skipped", action="store_true", help="list the files that were not loaded, with why"
    )

    search = _SearchParser(
        prog="aireader search",
        description=(
            "Search the library: the best matches first (newest first when the query has\n"
            "no words), each with its date, path and the passage that matched."
        ),
        epilog=SEARCH_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    search.add_argument(
        "query", metavar="QUERY", help="what to find, as one argument (quote it); see below"
    )
    _common(search)
    search.add_argument("--json", action="store_true", help="one JSON object per hit, one a line")
    search.add_argument(
        "--limit",
        type=_limit,
        metavar="N",
        help=f"print at most N hits (default: {DEFAULT_LIMIT}; with --json: every hit)",
    )
    return main, {"list": listing, "search": search}


def _limit(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: '{text}'") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be 1 or more, not {value}")
    return value


def _parse_search(parser: argparse.ArgumentParser, args: list[str]) -> argparse.Namespace:
    """Search's arguments, with options allowed between the query and the folder.

    argparse fills both positionals at their first sight, so in ``search sora --json
    ~/articles`` the folder would be left over: it is picked up here.
    """
    if isinstance(parser, _SearchParser):
        parser.dashed = any(re.match(r"-[^-]", arg) for arg in args)
    parsed, extra = parser.parse_known_args(args)
    if parsed.folder is None and len(extra) == 1 and not extra[0].startswith("-"):
        parsed.folder = Path(extra[0])
    elif extra:
        parser.error(f"unrecognized arguments: {' '.join(extra)}")
    return parsed


def _fail(message: str) -> int:
    print(f"aireader: {message}", file=sys.stderr)
    return EXIT_USAGE


OPTIONS_WITH_VALUE = ("--data-dir", "--limit")


def _subcommand_index(args: Sequence[str]) -> int | None:
    """Where the subcommand is: the first word that is not an option or its value.

    So ``aireader --data-dir X list`` works as well as ``aireader list --data-dir X``;
    a folder that happens to be called ``list`` can be given as ``./list``.
    """
    skip = False
    for index, arg in enumerate(args):
        if skip:
            skip = False
        elif arg == "--":
            return None
        elif arg in OPTIONS_WITH_VALUE:
            skip = True
        elif not arg.startswith("-"):
            return index if arg in SUBCOMMANDS else None
    return None


def main(argv: Sequence[str] | None = None) -> int:
    args_list = list(sys.argv[1:] if argv is None else argv)
    main_parser, subparsers = build_parser()
    at = _subcommand_index(args_list)
    command = args_list[at] if at is not None else None
    parser = subparsers[command] if command else main_parser
    rest = args_list[:at] + args_list[at + 1 :] if at is not None else args_list
    args = _parse_search(parser, rest) if command == "search" else parser.parse_args(rest)
    try:
        folder = check_folder(args.folder) if args.folder else paths.bundled_library()
    except NotAFolder as exc:
        return _fail(str(exc))
    try:
        if command == "list":
            return _list(folder, args)
        if command == "search":
            return _search(folder, args)
        return _run_app(folder, args)
    except StoreError as exc:
        return _fail(str(exc))
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        # The reader of our output went away (``aireader list | head``): stop quietly.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return EXIT_OK


def _open_store(args: argparse.Namespace) -> Store:
    try:
        return Store.open(paths.state_db_path(args.data_dir))
    except OSError as exc:
        folder = paths.data_dir(args.data_dir, create=False)
        raise StoreError(f"cannot use data folder {folder}: {exc.strerror or exc}") from exc


def _open_app_store(args: argparse.Namespace) -> Store:
    """The store for the reader: a data folder that cannot be made or written leaves
    a store for this session only (the app says so), never a reader that will not start."""
    return Store.open(paths.data_dir(args.data_dir, create=False) / paths.STATE_FILE)


def _run_app(folder: Path, args: argparse.Namespace) -> int:
    from aireader.ui.app import ReaderApp  # Textual loads only for the TUI

    store = _open_app_store(args)
    app = ReaderApp(folder, store)
    try:
        app.run()
    finally:
        app.writer.close()  # every write the user made is committed before we go
        store.close()
    return EXIT_OK


def article_record(article: Article, state: ArticleState) -> dict[str, Any]:
    """An article as the JSON object ``aireader list --json`` prints."""
    return {
        "path": article.location,
        "title": article.title,
        "date": article.date.isoformat() if article.date else None,
        "date_source": str(article.date_source) if article.date_source else None,
        "tags": list(article.tags),
        "author": article.author,
        "source": article.source,
        "lang": article.lang,
        "link": article.link,
        "draft": article.draft,
        "read": state.read,
        "bookmarked": state.bookmarked,
    }


def _load(folder: Path) -> Library:
    """The folder's articles through the index cache, as the reader sees them."""
    from aireader.core.index import Index

    index = Index.open(folder, paths.cache_dir())
    try:
        index.sync()
        return Library(index.root, index.articles(), index.skipped())
    finally:
        index.close()


def _stdout() -> tuple[IO[str], bool]:
    """Standard output made safe for any terminal, and whether JSON must be ASCII."""
    out = sys.stdout
    if isinstance(out, io.TextIOWrapper):
        out.reconfigure(errors="replace")  # a non-UTF-8 terminal gets "?", not a traceback
    ascii_json = codecs.lookup(getattr(out, "encoding", None) or "utf-8").name != "utf-8"
    return out, ascii_json


def _states(args: argparse.Namespace, articles: Sequence[Article]) -> dict[str, ArticleState]:
    """Read-state and bookmarks from the store, saying on stderr if it needed repair."""
    store = _open_store(args)
    try:
        if store.notice:
            print(f"aireader: {store.notice}", file=sys.stderr)
        return store.states(articles)
    finally:
        store.close()


def _list(folder: Path, args: argparse.Namespace) -> int:
    library = _load(folder)
    out, ascii_json = _stdout()
    if args.skipped:
        for skipped in library.skipped:
            if args.json:
                record = {"path": str(skipped.path), "reason": skipped.reason}
                out.write(json.dumps(record, ensure_ascii=ascii_json) + "\n")
            else:
                rel, why = neutralise_line(skipped.relpath), neutralise_line(skipped.reason)
                out.write(f"{rel}: {why}\n")
        return EXIT_OK if library.skipped else EXIT_NO_MATCH
    states = _states(args, library.articles)
    for article in library.articles:
        state = states.get(article.identity, ArticleState())
        if args.json:
            out.write(json.dumps(article_record(article, state), ensure_ascii=ascii_json) + "\n")
        else:
            day = article.date.day().isoformat() if article.date else "----------"
            flags = ("N" if not state.read else "-") + ("B" if state.bookmarked else "-")
            out.write(f"{day}  {flags}  {article.title}  ({neutralise_line(article.relpath)})\n")
    if library.skipped and not args.json:
        print(
            f"aireader: {len(library.skipped)} file(s) skipped; see: aireader list --skipped",
            file=sys.stderr,
        )
    return EXIT_OK if library.articles else EXIT_NO_MATCH


# ---------------------------------------------------------------------------
# search


def _search(folder: Path, args: argparse.Namespace) -> int:
    from aireader.core.index import Index
    from aireader.core.query import QueryError, parse
    from aireader.core.search import Search

    try:
        query = parse(args.query)
    except QueryError as exc:
        return _fail(f"bad query: {neutralise_line(str(exc))}")
    if query.root is None:
        return _fail("bad query: nothing to search for (examples: aireader search --help)")
    index = Index.open(folder, paths.cache_dir())
    try:
        index.sync()
        ids: list[int] = []
        articles = index.articles(ids=ids)
        states = _states(args, articles)
        try:
            hits = Search(index, articles, ids, states).run(query)
        except QueryError as exc:
            return _fail(f"bad query: {neutralise_line(str(exc))}")
        root = index.root
    finally:
        index.close()
    if not hits:
        if not args.json:
            print(f"aireader: nothing matches {neutralise_line(args.query)}", file=sys.stderr)
        return EXIT_NO_MATCH

    out, ascii_json = _stdout()
    limit = args.limit or (len(hits) if args.json else DEFAULT_LIMIT)
    style = _Style.for_stream(out)
    width = max(40, min(shutil.get_terminal_size((80, 24)).columns, 100))
    for rank, position in enumerate(hits[:limit], 1):
        article = articles[position]
        text, spans = snippet(_body(article, root), query)
        if args.json:
            record = {
                "rank": rank,
                **article_record(article, states.get(article.identity, ArticleState())),
                "relpath": article.relpath,
                "snippet": text,
                "highlights": [list(span) for span in spans],
            }
            out.write(json.dumps(record, ensure_ascii=ascii_json) + "\n")
            continue
        if rank > 1:
            out.write("\n")
        title_spans = query.title_highlights(article.title) if style.colour else []
        for line in wrap(article.title, title_spans, width):
            out.write(style.title(line) + "\n")
        day = article.date.day().isoformat() if article.date else "no date"
        out.write(style.dim(f"{day} {style.dot} {neutralise_line(article.relpath)}") + "\n")
        for line in wrap(text, spans, width - len(SNIPPET_INDENT), marks=not style.colour):
            out.write(SNIPPET_INDENT + style.snippet(line) + "\n")
    if not args.json and len(hits) > limit:
        shown = f"showing {limit} of {len(hits)} matches"
        print(f"aireader: {shown}; --limit N shows more", file=sys.stderr)
    return EXIT_OK


def _body(article: Article, root: Path) -> tuple[str, bool]:
    """The article's text read afresh from its file (the index keeps none), and
    whether it is Markdown; empty when the file cannot be read now."""
    from aireader.core.article import Format
    from aireader.core.parse import parse_file, strip_leading_title

    fresh = parse_file(article.path, root, relpath=article.relpath)
    if not isinstance(fresh, Article):
        return "", False
    return strip_leading_title(fresh.body, fresh.title), fresh.format is Format.MARKDOWN


# -- the snippet: a short passage around the first match, on one line -----------

SNIPPET_COLUMNS = 160
"""About how wide a snippet is, in terminal columns (a Chinese character takes two)."""
SNIPPET_LEAD = 40
"""How much text comes before the first match, in columns, when there is room."""
SNIPPET_INDENT = "    "
ELLIPSIS = "…"

_MD_LINK = re.compile(r"!?\[([^\[\]\n]*)\]\([^()\s]*(?:\s+\"[^\"\n]*\")?\)")
"""A link or image (its text kept). No bracket inside: linear on a line of ``[``."""
_MD_LINE = re.compile(
    r"^[ \t]*(?:#{1,6}[ \t]+|>[ \t]?|[-*+][ \t]+|(?:```|~~~).*$|([-*_])(?:[ \t]*\1){2,}[ \t]*$)",
    re.MULTILINE,
)
_MD_INLINE = re.compile(r"\*\*|__|`+|</?[A-Za-z][^<>\n]{0,200}>")
_PARAGRAPH = re.compile(r"\n[ \t]*\n")


def _plain_markdown(text: str) -> str:
    """Markdown as a reader sees it: no link targets, heading marks or emphasis marks."""
    text = _MD_LINK.sub(lambda m: m.group(1), text)
    text = _MD_LINE.sub("", text)
    return _MD_INLINE.sub("", text)


def snippet(body: tuple[str, bool], query: Query) -> tuple[str, list[tuple[int, int]]]:
    """About :data:`SNIPPET_COLUMNS` of ``body`` on one line, around the first match
    of ``query`` (its start when nothing in it matches), and where its matches are.

    ``body`` is ``(text, is_markdown)``. Whitespace runs become one space; a cut
    falls between words where it can, and is shown by an ellipsis.
    """
    text, markdown = body
    head: list[str] = []  # the start of the text, for when nothing in it matches
    head_full = False
    passage: list[str] = []
    anchor: tuple[int, int] | None = None
    for paragraph in _PARAGRAPH.split(text):
        line = " ".join((_plain_markdown(paragraph) if markdown else paragraph).split())
        if not line:
            continue
        if anchor is not None:
            passage.append(line)
        else:
            if not head_full:
                head.append(line)
                head_full = _columns(" ".join(head)) > SNIPPET_COLUMNS
            spans = query.highlights(line)
            if not spans:
                continue
            anchor, passage = spans[0], [line]
        if _columns(" ".join(passage)) > SNIPPET_COLUMNS:
            break
    shown = _window(" ".join(passage if anchor else head), anchor)
    return shown, query.highlights(shown)


def _window(line: str, anchor: tuple[int, int] | None) -> str:
    """The part of ``line`` to show: :data:`SNIPPET_COLUMNS` wide, the anchor in it."""
    first, after = anchor or (0, 0)
    # Only the neighbourhood of the anchor is measured (a paragraph may be huge).
    low = max(0, first - 2 * SNIPPET_COLUMNS)
    high = min(len(line), after + 2 * SNIPPET_COLUMNS)
    part = line[low:high]
    first, after = first - low, after - low
    edges = [0]
    for char in part:
        edges.append(edges[-1] + _char_columns(char))
    total = edges[-1]
    start = 0
    if anchor is not None and total > SNIPPET_COLUMNS:
        start = bisect_left(edges, edges[first] - SNIPPET_LEAD)
        start = min(start, bisect_left(edges, total - SNIPPET_COLUMNS))  # fill the window
        if low + start > 0 and line[low + start - 1] != " ":
            space = part.find(" ", start, first)
            if space >= 0:
                start = space + 1
    end = bisect_right(edges, edges[start] + SNIPPET_COLUMNS) - 1
    if end < len(part) and part[end] != " ":
        space = part.rfind(" ", max(start, after), end)
        if space > start and edges[space] - edges[start] >= SNIPPET_COLUMNS * 2 // 3:
            end = space  # else a very long word is cut
    cut_before = start > 0 or low > 0
    cut_after = end < len(part) or high < len(line)
    shown = part[start:end].strip()
    return (ELLIPSIS if cut_before else "") + shown + (ELLIPSIS if cut_after else "")


# -- text output ---------------------------------------------------------------


def _char_columns(char: str) -> int:
    if unicodedata.combining(char):
        return 0
    return 2 if unicodedata.east_asian_width(char) in "WF" else 1


def _columns(text: str) -> int:
    return sum(_char_columns(c) for c in text)


def wrap(
    text: str, spans: Sequence[tuple[int, int]], width: int, *, marks: bool = False
) -> list[list[tuple[str, bool]]]:
    """``text`` cut into lines of at most ``width`` columns, between words where it
    can (a word too long for a line, or a run of Chinese, is cut anywhere).

    Each line is a list of ``(piece, highlighted)`` runs; with ``marks`` each
    highlighted run will be shown in brackets, and their width is counted.
    """
    lit = [False] * len(text)
    for start, end in spans:
        lit[start:end] = [True] * (end - start)
    lines: list[list[int]] = []  # character positions, one list per line
    line: list[int] = []
    used = 0

    def cost(positions: list[int], joined: bool) -> int:
        """Columns these characters take, brackets included, after a line's end."""
        columns = sum(_char_columns(text[i]) for i in positions)
        if marks:
            runs = sum(1 for k, i in enumerate(positions) if lit[i] and (k == 0 or not lit[i - 1]))
            if joined and positions and lit[positions[0]] and line and lit[line[-1]]:
                runs -= 1  # continues the run the line ends with
            columns += 2 * runs
        return columns

    for match in re.finditer(r"\S+", text):
        word = list(range(match.start(), match.end()))
        gap = [match.start() - 1] if line else []
        need = cost(gap + word, True)
        if line and used + need <= width:
            line.extend(gap + word)
            used += need
            continue
        if line:
            lines.append(line)
            line, used = [], 0
        while word:
            take = 1
            while take < len(word) and cost(word[: take + 1], False) <= width:
                take += 1
            piece, word = word[:take], word[take:]
            if word:
                lines.append(piece)
            else:
                line, used = piece, cost(piece, False)
    if line:
        lines.append(line)
    out = []
    for positions in lines:
        runs: list[tuple[str, bool]] = []
        for i in positions:
            if runs and runs[-1][1] == lit[i]:
                runs[-1] = (runs[-1][0] + text[i], lit[i])
            else:
                runs.append((text[i], lit[i]))
        out.append(runs)
    return out


class _Style:
    """How text output looks: plain, with [brackets] for matches, or with ANSI styles."""

    def __init__(self, colour: bool, unicode: bool) -> None:
        self.colour = colour
        self.unicode = unicode
        self.dot = "·" if unicode else "-"

    @classmethod
    def for_stream(cls, out: IO[str]) -> _Style:
        colour = (
            out.isatty() and not os.environ.get("NO_COLOR") and os.environ.get("TERM") != "dumb"
        )
        encoding = getattr(out, "encoding", None) or "utf-8"
        try:
            (ELLIPSIS + "·").encode(encoding)
            unicode = True
        except (UnicodeError, LookupError):
            unicode = False
        return cls(colour, unicode)

    def _runs(self, runs: list[tuple[str, bool]], on: str, off: str) -> str:
        if self.colour:
            return "".join(f"\x1b[{on}m{t}\x1b[{off}m" if lit else t for t, lit in runs)
        return "".join(f"[{t}]" if lit else t for t, lit in runs)

    def title(self, runs: list[tuple[str, bool]]) -> str:
        text = self._runs(runs, "7", "27")
        return f"\x1b[1m{text}\x1b[22m" if self.colour else text

    def snippet(self, runs: list[tuple[str, bool]]) -> str:
        text = self._runs(runs, "1;7", "22;27")
        return text if self.unicode else text.replace(ELLIPSIS, "...")

    def dim(self, text: str) -> str:
        return f"\x1b[2m{text}\x1b[22m" if self.colour else text
