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
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any, NoReturn

from aireader import __version__, paths
from aireader.core.article import Article
from aireader.core.library import Library, NotAFolder, check_folder
from aireader.core.store import ArticleState, Store, StoreError

SUBCOMMANDS = ("list",)
EXIT_OK, EXIT_NO_MATCH, EXIT_USAGE = 0, 1, 2

EPILOG = """\
examples:
  aireader                      open the bundled sample library
  aireader ~/notes/articles     open your own folder
  aireader list ~/notes --json  one JSON object per article
  aireader list --skipped       files that could not be loaded, and why

Read-state and bookmarks live in the user data folder; --data-dir or
AIREADER_DATA_DIR moves them.
"""


class _Parser(argparse.ArgumentParser):
    """argparse, but an error is one line and exit code 2."""

    def error(self, message: str) -> NoReturn:
        self.exit(EXIT_USAGE, f"{self.prog}: error: {message} (try --help)\n")


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
        epilog=EPILOG + "\ncommands:\n  list    print the library, one article a line\n",
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
    return main, {"list": listing}


def _fail(message: str) -> int:
    print(f"aireader: {message}", file=sys.stderr)
    return EXIT_USAGE


OPTIONS_WITH_VALUE = ("--data-dir",)


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
    args = parser.parse_args(rest)
    try:
        folder = check_folder(args.folder) if args.folder else paths.bundled_library()
    except NotAFolder as exc:
        return _fail(str(exc))
    try:
        if command == "list":
            return _list(folder, args)
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


def _run_app(folder: Path, args: argparse.Namespace) -> int:
    from aireader.ui.app import ReaderApp  # Textual loads only for the TUI

    store = _open_store(args)
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


def _list(folder: Path, args: argparse.Namespace) -> int:
    library = _load(folder)
    out = sys.stdout
    if isinstance(out, io.TextIOWrapper):
        out.reconfigure(errors="replace")  # a non-UTF-8 terminal gets "?", not a traceback
    ascii_json = codecs.lookup(getattr(out, "encoding", None) or "utf-8").name != "utf-8"
    if args.skipped:
        for skipped in library.skipped:
            if args.json:
                record = {"path": str(skipped.path), "reason": skipped.reason}
                out.write(json.dumps(record, ensure_ascii=ascii_json) + "\n")
            else:
                out.write(f"{skipped.relpath}: {skipped.reason}\n")
        return EXIT_OK if library.skipped else EXIT_NO_MATCH
    store = _open_store(args)
    try:
        if store.notice:
            print(f"aireader: {store.notice}", file=sys.stderr)
        states = store.states(library.articles)
    finally:
        store.close()
    for article in library.articles:
        state = states.get(article.identity, ArticleState())
        if args.json:
            out.write(json.dumps(article_record(article, state), ensure_ascii=ascii_json) + "\n")
        else:
            day = article.date.day().isoformat() if article.date else "----------"
            flags = ("N" if not state.read else "-") + ("B" if state.bookmarked else "-")
            out.write(f"{day}  {flags}  {article.title}  ({article.relpath})\n")
    if library.skipped and not args.json:
        print(
            f"aireader: {len(library.skipped)} file(s) skipped; see: aireader list --skipped",
            file=sys.stderr,
        )
    return EXIT_OK if library.articles else EXIT_NO_MATCH
