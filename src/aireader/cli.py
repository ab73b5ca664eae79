"""The command line: ``aireader [FOLDER]`` opens the reader; subcommands script it.

Exit codes: 0 done, 1 nothing matched, 2 bad usage or input. Errors are one
readable line on stderr, never a traceback.

Settings (:mod:`aireader.core.config`) come from flags, then environment
variables, then the config file, then the defaults. The commands that print
print the settings' problems on stderr, one line each; the reader shows them.
"""

from __future__ import annotations

import argparse
import codecs
import contextlib
import gc
import io
import json
import os
import re
import shutil
import sys
import unicodedata
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Collection, Iterator, Sequence
from datetime import date, datetime
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, NoReturn, TypeVar
from urllib.parse import quote, urlsplit

from aireader import __version__, paths
from aireader.core import config
from aireader.core.article import EXTENSIONS, Article, DateSource, Skipped, title_key
from aireader.core.config import Settings
from aireader.core.library import NotAFolder, check_folder
from aireader.core.store import UNTOUCHED, ArticleState, StateFileError, Store, StoreError
from aireader.core.text import neutralise_line

if TYPE_CHECKING:
    from _typeshed import SupportsWrite

    from aireader.core.query import Query

SUBCOMMANDS = ("list", "search", "related", "mark", "export", "state", "config")
GROUPS: dict[str, tuple[str, ...]] = {
    "state": ("export", "import"),
    "config": ("path", "init", "show"),
}
"""Commands made of commands: ``aireader state export``, ``aireader config show``..."""
EXIT_OK, EXIT_NO_MATCH, EXIT_USAGE = 0, 1, 2

EPILOG = """\
examples:
  aireader                      open the first configured folder (else the sample library)
  aireader ~/notes/articles     open your own folder
  aireader ~/Downloads/a.md     open one article (its folder is the library)
  aireader --theme nord --sort oldest ~/notes
                                settings for this run only
  aireader list --folder ~/notes --json
                                one JSON object per article
  aireader list 'tag:sora is:unread'
                                the unread articles tagged sora
  aireader list --skipped       files that could not be loaded, and why
  aireader search "open source" --limit 5
                                the five best matches, each with its passage
  aireader mark read 'tag:sora before:2024'
  aireader export --bookmarks > reading-list.md
  aireader state export state.json        (and on the other machine:)
  aireader state import state.json --merge
  aireader config init          write a commented config file to edit

Every command takes --folder DIR for its library (default: the first
configured folder, else the sample library). Read-state and bookmarks live in
the user data folder; --data-dir or AIREADER_DATA_DIR moves them. Settings:
flags, then environment variables (AIREADER_THEME, AIREADER_SORT...), then the
config file (aireader config path), then the defaults. Each command has its
own --help.

Exit status: 0 done, 1 nothing matched, 2 bad usage or input.
"""

COMMANDS_HELP = """
commands:
  list    print the library (or what a query finds), one article a line
  search  find articles: best matches first, with the passage that matched
  related the articles most related to one (shared tags, topics and key terms)
  mark    mark articles read or unread, bookmark or unbookmark them
  export  the bookmarks or the whole library as Markdown, JSON lines or CSV
  state   export or import read-state, bookmarks and positions (another machine)
  config  where the config file is, write a default one, show the settings
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
  aireader search '"open source" -meta' --folder ~/articles
  aireader search 'tag:sora is:unread after:2024-03-01' --limit 5
  aireader search 'sora OR veo' --json | jq -r .path

On a terminal each hit is its title, its date and path in the library, and the
passage of its text that matched, with the matched words in [brackets]
(highlighted instead on a colour terminal; NO_COLOR turns colour off). Into a
pipe or a file, each hit is one line: aireader list's line, then the passage.

--json fields: those of aireader list --json (path is the full path), plus rank
(1 is the best), relpath (the path in the library), snippet (the passage, plain)
and highlights ([start, end] character offsets of the matches in snippet).

Exit status: 0 something matched, 1 nothing matched, 2 a bad query or usage.
"""

JSON_FIELDS_HELP = """\
--json fields: path, title, date (ISO 8601, null when unknown), date_source
(front matter, filename, text or mtime), tags, topics (key terms derived for an
article with no tags, else []), author, source, lang, link, draft, read,
bookmarked, progress (how far into an article started but not finished, 0 to
1 to three decimals; null otherwise), extract (two or three of the article's
own sentences, read from its file as the command runs).
"""

LIST_EPILOG = f"""\
The library is --folder DIR, else the first configured folder, else the sample
library. With a query that has words the best matches come first; otherwise
the order is the sort setting (--sort, AIREADER_SORT or sort in the config
file: newest, oldest or title). (The older form, list FOLDER [QUERY], still
works.)

Each line: the date (~ after it: the file's time, the article gives none), N
when unread, B when bookmarked, the title, the path in the library, and how
far you are into an article you started (42%).

examples:
  aireader list --folder ~/articles
  aireader list 'tag:sora is:unread'
  aireader list 'author:lund after:2024-03' --folder ~/articles
  aireader list --sort title
  aireader list --json | jq .title
  aireader list --skipped

{JSON_FIELDS_HELP}
Exit status: 0 something listed, 1 nothing (or nothing matched), 2 bad usage.
"""

RELATED_EPILOG = """\
Related articles share the article's tags and derived topics (or, for an
article with neither, the words of its title); they are ranked as search ranks
them, title and tags weighing most. The article itself is left out.

The library is --folder, else the first configured folder if PATH is in it,
else the folder PATH is in.

--json fields: those of aireader list --json, plus rank (1 is the best) and
relpath (the path in the library).

examples:
  aireader related ~/articles/2024-04-20-sora.md
  aireader related ~/articles/a.md --json --limit 3 | jq -r .title

Exit status: 0 something related was found, 1 nothing was, 2 PATH is not an
article of the library.
"""

MARK_EPILOG = """\
What to mark is either one query (quote it; see aireader search --help), found
in the library (--folder DIR, else the first configured folder), or one or more
article files, wherever they are: a file names its article, and read-state
follows an article's content, whatever folder it is read in.

Prints one line per article that changed (with --json, its aireader list --json
record after the change); articles that matched but were already so are counted
on stderr.

examples:
  aireader mark read 'tag:sora before:2024-03'
  aireader mark read is:unread                 everything, caught up
  aireader mark bookmark ~/articles/news/2024-05-01-veo.md
  aireader mark unbookmark 'is:bookmarked is:read' --json
  aireader mark read ~/Downloads/a.md ~/articles/b.md

Exit status: 0 something matched (even if it needed no change), 1 nothing
matched, 2 bad usage (a file that is not an article, a bad query).
"""

EXPORT_EPILOG = """\
formats:
  md    a Markdown reading list: each article a link (its source link, else
        its file), with its source and author, date, tags as #tags, and
        whether it is read and bookmarked
  json  one aireader list --json object a line
  csv   a header row, then one row per article (the --json fields; tags
        joined with "; "; a cell a spreadsheet would run as a formula starts
        with ')

--bookmarks exports every bookmarked article, in whatever folder it is, read
from the file it was last seen at (one whose file is gone: by its last title
and path); with --folder or --query, only that library's. The order is the
sort setting (newest first by default), or the best match first when --query
has words.

examples:
  aireader export --bookmarks > bookmarks.md
  aireader export --all --folder ~/articles --format csv > library.csv
  aireader export --all --query 'tag:sora is:unread' --format json | jq .title

Exit status: 0 something exported, 1 nothing to export, 2 bad usage.
"""

STATE_EPILOG = """\
commands:
  export FILE           write read-state, bookmarks, reading positions and saved
                        searches to FILE (- for standard output), as JSON
  import FILE [--merge] read them back (- for standard input)

State refers to articles by their content, so it applies to the same articles
at other paths, on another machine.

examples:
  aireader state export ~/aireader-state.json
  aireader state import ~/aireader-state.json --merge
  ssh laptop aireader state export - | aireader state import - --merge

Exit status: 0 done, 2 bad usage or a file that is not a state file.
"""

STATE_EXPORT_EPILOG = """\
The file is written whole or not at all (to a temporary file, then renamed).

examples:
  aireader state export ~/aireader-state.json
  aireader state export - | gzip > state.json.gz

Exit status: 0 done, 2 the file cannot be written.
"""

STATE_IMPORT_EPILOG = """\
Without --merge the state becomes exactly the file's (what the file lacks is
removed); the state before is first saved beside the state file as
state.sqlite3.before-import-YYYYMMDD-HHMMSS, and the command says where.

With --merge nothing is lost: for each article, its read mark, bookmark and
reading position are each taken from whichever side changed them last, and
articles and saved searches only one side has are kept.

A file that is not a state file changes nothing.

examples:
  aireader state import ~/aireader-state.json --merge
  aireader state import backup.json
  ssh laptop aireader state export - | aireader state import - --merge

Exit status: 0 done, 2 bad usage or a file that is not a state file.
"""

CONFIG_EPILOG = """\
commands:
  path    print where the config file is (--config or AIREADER_CONFIG move it)
  init    write a commented default config there (never over an existing one)
  show    the settings in force, and where each one comes from

Precedence, strongest first: a command-line flag, an environment variable
(AIREADER_FOLDERS, AIREADER_THEME, AIREADER_SORT, AIREADER_DATE_FORMAT,
AIREADER_MARK_READ_ON_OPEN, AIREADER_SIDEBAR, AIREADER_BROWSER), the config
file, the default.

examples:
  aireader config init && $EDITOR "$(aireader config path)"
  aireader config show
  AIREADER_SORT=oldest aireader config show --no-sidebar
"""

CONFIG_PATH_EPILOG = """\
examples:
  aireader config path
  $EDITOR "$(aireader config path)"
"""

CONFIG_INIT_EPILOG = """\
Every line of the file written is commented out, showing the default.

examples:
  aireader config init
  aireader config init --config ~/dotfiles/aireader.toml

Exit status: 0 written, 1 a file is already there (left as it is), 2 it cannot
be written.
"""

CONFIG_SHOW_EPILOG = """\
Prints one `key = value` line per setting, as in the config file, each with
where it comes from (default, config file, environment variable or flag);
problems with the settings go to stderr, one line each.

--json: one object a line: key, value, origin (default, config, environment or
flag) and where (the file, variable or flag).

examples:
  aireader config show
  aireader config show --sort title --json
"""

OPTIONS_WITH_VALUE = (
    "--data-dir",
    "--limit",
    "--config",
    "--theme",
    "--sort",
    "--date-format",
    "--folder",
    "--format",
    "--query",
    "--browser",
)
"""Options followed by a value: the value is not a command (``--folder list``)."""

MARKS = {
    "read": ("read", True, "read"),
    "unread": ("read", False, "unread"),
    "bookmark": ("bookmarked", True, "bookmarked"),
    "unbookmark": ("bookmarked", False, "unbookmarked"),
}
"""mark's actions: (the state's field, the value it is set to, the word printed)."""

EXPORT_FORMATS = ("md", "json", "csv")


class _Parser(argparse.ArgumentParser):
    """argparse, but an error is one line and exit code 2."""

    def error(self, message: str) -> NoReturn:
        self.exit(EXIT_USAGE, f"{self.prog}: error: {message} (try --help)\n")

    def print_help(self, file: SupportsWrite[str] | None = None) -> None:
        if file is None and isinstance(sys.stdout, io.TextIOWrapper):
            sys.stdout.reconfigure(errors="replace")  # the examples are not all ASCII
        super().print_help(file)


class _SearchParser(_Parser):
    """A parser taking a query: one that starts with "-" is taken for an option, so say how."""

    dashed = False
    """Set when an argument looks like ``-word``: perhaps a query, not an option."""

    def error(self, message: str) -> NoReturn:
        if self.dashed and ("required: " in message or "unrecognized arguments: -" in message):
            message += "; a query that starts with '-' goes after --"
        super().error(message)


class _Failure(Exception):
    """A command cannot go on: ``message`` is the one line for the user."""

    def __init__(self, message: str, code: int = EXIT_USAGE) -> None:
        super().__init__(message)
        self.code = code


def _parser(prog: str, description: str, epilog: str, kind: type[_Parser] = _Parser) -> _Parser:
    return kind(
        prog=prog,
        description=description,
        epilog=epilog,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )


def _legacy_folder(parser: argparse.ArgumentParser) -> None:
    """The folder as a positional argument after the command's own (``search QUERY
    FOLDER``, ``export --all FOLDER``): the spelling before ``--folder``, still
    understood so that scripts keep working, no longer shown in the help."""
    parser.add_argument("folder_arg", nargs="?", help=argparse.SUPPRESS)


def _data_dir(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--data-dir",
        type=Path,
        metavar="DIR",
        help=f"where read-state and bookmarks are kept (env {paths.DATA_DIR_ENV})",
    )


def _settings(parser: argparse.ArgumentParser, *shown: str) -> None:
    """The settings' flags; all are accepted everywhere (``aireader --sort oldest list``),
    those in ``shown`` are in this parser's help ("all": every one)."""

    def helped(name: str, text: str) -> str:
        return text if name in shown or "all" in shown else argparse.SUPPRESS

    group = parser.add_argument_group(
        "settings", "stronger than the environment and the config file, for this run only"
    )
    group.add_argument(
        "--config",
        type=Path,
        metavar="FILE",
        help=f"the config file to read (env {config.CONFIG_ENV}; default: aireader config path)",
    )
    group.add_argument(
        "--theme", metavar="NAME", help=helped("theme", "the colour theme (nord, textual-light...)")
    )
    group.add_argument(
        "--sort",
        choices=config.SORTS,
        help=helped("sort", "the order of the list: newest (the default), oldest or title"),
    )
    group.add_argument(
        "--date-format",
        metavar="FMT",
        help=helped("date_format", "strftime codes for this year's dates in the list (%%b %%d)"),
    )
    group.add_argument(
        "--mark-read-on-open",
        action=argparse.BooleanOptionalAction,
        default=None,
        help=helped("mark_read_on_open", "mark an article read when it is opened (or not)"),
    )
    group.add_argument(
        "--sidebar",
        action=argparse.BooleanOptionalAction,
        default=None,
        help=helped("sidebar", "show the tag sidebar at start (or not)"),
    )
    group.add_argument(
        "--browser",
        metavar="CMD",
        help=helped("browser", "the command that opens links: %%s is the link ('w3m %%s')"),
    )


FOLDER_DEFAULT = "the first configured folder, else the bundled sample library"


def _folder_option(parser: argparse.ArgumentParser, default: str = FOLDER_DEFAULT) -> None:
    """``--folder DIR``: every command names its library so; positional arguments are
    what the command works on (a query, an article file)."""
    parser.add_argument(
        "--folder", metavar="DIR", help=f"the library, a folder of articles (default: {default})"
    )


def _json_option(parser: argparse.ArgumentParser, text: str = "one JSON object a line") -> None:
    parser.add_argument("--json", action="store_true", help=text)


def _main_parser() -> argparse.ArgumentParser:
    """The parser of ``aireader [FOLDER]``, the reader itself."""
    main = _parser(
        "aireader",
        "A keyboard-driven terminal reader for a folder of articles.",
        EPILOG + COMMANDS_HELP,
    )
    main.add_argument(
        "target",
        nargs="?",
        metavar="FOLDER|FILE",
        help="a folder of articles (.md, .markdown, .txt) to read, or one article file "
        "to open at start, its folder the library; default: " + FOLDER_DEFAULT,
    )
    _folder_option(main)
    _data_dir(main)
    _settings(main, "all")
    main.add_argument("--version", action="version", version=f"aireader {__version__}")
    return main


def build_parser() -> tuple[argparse.ArgumentParser, dict[str, argparse.ArgumentParser]]:
    """The main parser, and one parser per command (``"state export"`` for a
    command of a command; ``"state"`` itself only for its help and errors)."""
    main = _main_parser()

    listing = _parser(
        "aireader list",
        "Print the library, or the articles a query finds, one article a line.",
        LIST_EPILOG,
        _SearchParser,
    )
    listing.add_argument(
        "query", nargs="?", metavar="QUERY", help="only the articles it finds (quote it)"
    )
    listing.add_argument("second", nargs="?", help=argparse.SUPPRESS)  # list FOLDER QUERY
    _folder_option(listing)
    _data_dir(listing)
    _json_option(listing)
    listing.add_argument(
        "--skipped", action="store_true", help="list the files that were not loaded, with why"
    )
    _settings(listing, "sort")

    search = _parser(
        "aireader search",
        "Search the library: the best matches first (newest first when the query has\n"
        "no words), each with its date, path and the passage that matched.",
        SEARCH_EPILOG,
        _SearchParser,
    )
    search.add_argument(
        "query", metavar="QUERY", help="what to find, as one argument (quote it); see below"
    )
    _legacy_folder(search)
    _folder_option(search)
    _data_dir(search)
    _json_option(search, "one JSON object per hit, one a line")
    search.add_argument(
        "--limit",
        type=_limit,
        metavar="N",
        help=f"print at most N hits (default: {DEFAULT_LIMIT}; with --json: every hit)",
    )
    _settings(search)

    relating = _parser(
        "aireader related",
        "Print the articles most related to one article, the closest first.",
        RELATED_EPILOG,
    )
    relating.add_argument("path", metavar="PATH", help="the article file")
    _folder_option(relating, "the configured folder PATH is in, else PATH's folder")
    relating.add_argument(
        "--limit", type=_limit, metavar="N", help="at most N articles (default: 5)"
    )
    _data_dir(relating)
    _json_option(relating)
    _settings(relating)

    mark = _parser(
        "aireader mark",
        "Mark articles read or unread, bookmark or unbookmark them; print what changed.",
        MARK_EPILOG,
        _SearchParser,
    )
    mark.add_argument("action", choices=tuple(MARKS), help="what to do")
    mark.add_argument(
        "targets",
        nargs="+",
        metavar="QUERY|PATH",
        help="one query (quote it), or one or more article files",
    )
    _folder_option(mark, FOLDER_DEFAULT + "; a query's only: a file names its article")
    _data_dir(mark)
    _json_option(mark, "one JSON object per article changed (its record after the change)")
    _settings(mark)

    export = _parser(
        "aireader export",
        "Export the bookmarks, or the whole library, as a Markdown reading list or data.",
        EXPORT_EPILOG,
    )
    which = export.add_mutually_exclusive_group(required=True)
    which.add_argument("--bookmarks", action="store_true", help="the bookmarked articles")
    which.add_argument("--all", action="store_true", help="every article")
    _legacy_folder(export)
    _folder_option(export, "every library, for --bookmarks; else " + FOLDER_DEFAULT)
    _data_dir(export)
    export.add_argument(
        "--format", choices=EXPORT_FORMATS, help="md (the default), json (lines) or csv"
    )
    _json_option(export, "the same as --format json")
    export.add_argument(
        "--query", metavar="Q", help="only the articles this query finds (see search --help)"
    )
    _settings(export, "sort")

    state = _parser(
        "aireader state",
        "Carry read-state, bookmarks and reading positions to another machine.",
        STATE_EPILOG,
    )
    state.add_argument("command", choices=GROUPS["state"], metavar="COMMAND", help="see below")
    _data_dir(state)
    _settings(state)

    state_export = _parser(
        "aireader state export",
        "Write read-state, bookmarks, reading positions and saved searches as JSON.",
        STATE_EXPORT_EPILOG,
    )
    state_export.add_argument("file", metavar="FILE", help="where to write (- : standard output)")
    _data_dir(state_export)
    _settings(state_export)

    state_import = _parser(
        "aireader state import",
        "Read back what aireader state export wrote.",
        STATE_IMPORT_EPILOG,
    )
    state_import.add_argument("file", metavar="FILE", help="what to read (- : standard input)")
    state_import.add_argument(
        "--merge",
        action="store_true",
        help="keep the newest change of each article from either side (else: replace)",
    )
    _data_dir(state_import)
    _json_option(state_import, "print what was done as one JSON object")
    _settings(state_import)

    conf = _parser(
        "aireader config",
        "The config file: where it is, a default one, the settings in force.",
        CONFIG_EPILOG,
    )
    conf.add_argument("command", choices=GROUPS["config"], metavar="COMMAND", help="see below")
    _settings(conf)

    config_path = _parser(
        "aireader config path", "Print where the config file is.", CONFIG_PATH_EPILOG
    )
    _settings(config_path)
    config_init = _parser(
        "aireader config init",
        "Write the default config file, every line commented out.",
        CONFIG_INIT_EPILOG,
    )
    _settings(config_init)
    config_show = _parser(
        "aireader config show",
        "Print the settings in force, and where each one comes from.",
        CONFIG_SHOW_EPILOG,
    )
    _json_option(config_show)
    _settings(config_show, "all")

    return main, {
        "list": listing,
        "search": search,
        "related": relating,
        "mark": mark,
        "export": export,
        "state": state,
        "state export": state_export,
        "state import": state_import,
        "config": conf,
        "config path": config_path,
        "config init": config_init,
        "config show": config_show,
    }


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
    if parsed.folder_arg is None and len(extra) == 1 and not extra[0].startswith("-"):
        parsed.folder_arg = extra[0]
    elif extra:
        parser.error(f"unrecognized arguments: {' '.join(extra)}")
    return parsed


def _parse_intermixed(parser: argparse.ArgumentParser, args: list[str]) -> argparse.Namespace:
    """Arguments with options anywhere among the positionals (``list sora --json ~/a``)."""
    if isinstance(parser, _SearchParser):
        parser.dashed = any(re.match(r"-[^-]", arg) for arg in args)
    return parser.parse_intermixed_args(args)


def _fail(message: str) -> int:
    print(f"aireader: {message}", file=sys.stderr)
    return EXIT_USAGE


def _subcommand_index(args: Sequence[str], names: Sequence[str] = SUBCOMMANDS) -> int | None:
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
            return index if arg in names else None
    return None


def _command(args: list[str]) -> tuple[str | None, list[str]]:
    """The command (``"list"``, ``"state import"``...) and the arguments without it."""
    at = _subcommand_index(args)
    if at is None:
        return None, args
    name, rest = args[at], args[:at] + args[at + 1 :]
    if name in GROUPS:
        sub = _subcommand_index(rest, GROUPS[name])
        if sub is not None:
            return f"{name} {rest[sub]}", rest[:sub] + rest[sub + 1 :]
    return name, rest


def _flags(args: argparse.Namespace) -> dict[str, Any]:
    """The settings given as flags (None: not given)."""
    names = ("theme", "sort", "date_format", "mark_read_on_open", "sidebar", "browser")
    return {name: getattr(args, name, None) for name in names}


def main(argv: Sequence[str] | None = None) -> int:
    args_list = list(sys.argv[1:] if argv is None else argv)
    command, rest = _command(args_list)
    # Starting the reader builds only its own parser: the others cost start-up time.
    parser = build_parser()[1][command] if command else _main_parser()
    if command == "search":
        args = _parse_search(parser, rest)
    elif command in ("list", "mark"):
        args = _parse_intermixed(parser, rest)
    elif command is None:
        args, extra = parser.parse_known_args(rest)
        if args.target is not None and _is_unknown_command(args.target):
            print(f"aireader: {_unknown_command(args.target)}", file=sys.stderr)
            return EXIT_USAGE
        if extra:
            parser.error(f"unrecognized arguments: {' '.join(extra)}")
    else:
        args = parser.parse_args(rest)
    if command in GROUPS:  # "aireader state -- export": no command found before the --
        parser.error(f"the command goes before any --: {' or '.join(GROUPS[command])}")
    args.parser = parser
    try:
        args.config_file = _config_file(
            args, must_exist=command not in ("config path", "config init")
        )
        settings, problems = config.load(args.config_file, os.environ, _flags(args))
        args.settings = settings
        args.problems = [neutralise_line(problem) for problem in problems]
        if command not in (None, "config path", "config init"):  # these use no setting
            for problem in args.problems:
                print(f"aireader: {problem}", file=sys.stderr)
        return _run(command, args)
    except _Failure as exc:
        print(f"aireader: {exc}", file=sys.stderr)
        return exc.code
    except (NotAFolder, StoreError) as exc:
        return _fail(str(exc))
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        # The reader of our output went away (``aireader list | head``): stop quietly.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return EXIT_OK


def _run(command: str | None, args: argparse.Namespace) -> int:
    if command is None:
        folder, article = _reader_target(args)
        problem = _terminal_problem()
        if problem:
            raise _Failure(problem)
        return _run_app(folder, args, article)
    if command == "search":
        return _search(_library(args), args)
    commands = {
        "list": _list,
        "related": _related,
        "mark": _mark,
        "export": _export,
        "state export": _state_export,
        "state import": _state_import,
        "config path": _config_path,
        "config init": _config_init,
        "config show": _config_show,
    }
    return commands[command](args)


def _config_file(args: argparse.Namespace, *, must_exist: bool) -> Path:
    """The config file: ``--config``, else ``$AIREADER_CONFIG``, else the platform's."""
    given: Path | None = getattr(args, "config", None)
    if given is None:
        return config.config_path(os.environ)
    path = given.expanduser()
    if must_exist and not path.exists():
        raise _Failure(f"no such config file: {given}")
    if must_exist and path.is_dir():
        raise _Failure(f"the config file is a folder: {given}")
    return path


def _terminal_problem() -> str | None:
    """Why the reader cannot run here, if it cannot: it draws on a terminal and reads
    keys from one (``aireader > file`` would fill the file with escape codes and wait)."""
    for name, stream in (("output", sys.stdout), ("input", sys.stdin)):
        try:
            terminal = stream is not None and stream.isatty()
        except (ValueError, OSError):  # closed
            terminal = False
        if not terminal:
            return (
                f"the reader needs a terminal, and standard {name} is not one "
                "(aireader list prints the library; aireader --help lists the commands)"
            )
    return None


def _reader_target(args: argparse.Namespace) -> tuple[Path, Path | None]:
    """What ``aireader [FOLDER|FILE] [--folder DIR]`` opens: the library, and the
    article file to open in it at start (None: none)."""
    given: str | None = args.target
    if given is None:
        return _folder(args.folder, args), None
    path = Path(given).expanduser()
    if path.is_dir():
        if args.folder is not None:
            args.parser.error(f"two folders: {given} and --folder {args.folder}; give one")
        return _folder(given, args), None
    if path.is_file() or (not path.exists() and path.suffix.lower() in EXTENSIONS):
        return _article_to_open(given, path, args)
    return _folder(given, args), None  # says what is wrong with it


def _article_to_open(given: str, path: Path, args: argparse.Namespace) -> tuple[Path, Path]:
    """``aireader FILE.md``: the file's folder (or ``--folder``) as the library, and
    the file's path as the library's index knows it."""
    shown = neutralise_line(given)
    if not path.is_file():
        raise _Failure(f"no such file: {shown}")
    if path.suffix.lower() not in EXTENSIONS:
        kinds = ", ".join(sorted(EXTENSIONS))
        raise _Failure(f"not an article: {shown} (aireader reads {kinds} files)")
    absolute = Path(os.path.abspath(path))
    article = check_folder(absolute.parent) / absolute.name  # as the index writes it
    if args.folder is None:
        return article.parent, article
    library = _folder(args.folder, args)
    if not article.is_relative_to(library):
        raise _Failure(f"{shown} is not in the library {neutralise_line(str(library))}")
    return library, article


def _is_unknown_command(word: str) -> bool:
    """Whether ``aireader WORD`` was meant as a command that does not exist: WORD
    names nothing, and does not look like a path or an article file."""
    path = Path(word).expanduser()
    return not (path.exists() or _looks_like_path(word) or path.suffix.lower() in EXTENSIONS)


def _unknown_command(word: str) -> str:
    """What to say for ``aireader frobnicate``: neither a command nor a folder."""
    import difflib

    shown = neutralise_line(word)
    close = difflib.get_close_matches(word, SUBCOMMANDS, n=1)
    hint = f"did you mean '{close[0]}'? " if close else ""
    return (
        f"no command or folder called '{shown}' ({hint}commands: {', '.join(SUBCOMMANDS)}; "
        "aireader --help)"
    )


def _library(args: argparse.Namespace) -> Path:
    """The command's library: ``--folder DIR`` (or the folder given the older way,
    after the command's own arguments), else the configured one."""
    legacy = getattr(args, "folder_arg", None)
    if legacy is not None and args.folder is not None:
        args.parser.error(f"two folders: {legacy} and --folder {args.folder}; give one")
    return _folder(args.folder if args.folder is not None else legacy, args)


def _folder(given: Path | str | None, args: argparse.Namespace) -> Path:
    """The library: the folder given, else the first configured one, else the bundled one."""
    if given:
        return check_folder(Path(given))
    settings: Settings = args.settings
    if not settings.folders:
        return paths.bundled_library()
    try:
        return check_folder(settings.folders[0])
    except NotAFolder as exc:
        if settings.origin.get("folders") == "environment":
            where = f"in {config.ENV['folders']}"
        else:
            where = f"in {args.config_file}"
        raise _Failure(
            f"{exc} (the first of the folders set {where}; give a folder, or change the setting)"
        ) from None


def _is(text: str, what: str) -> bool:
    """Whether ``text`` names a file system entry that ``exists``, or is a ``dir``
    or a ``file`` (the empty text names nothing: it is an empty query)."""
    if not text:
        return False
    path = Path(text).expanduser()
    if what == "dir":
        return path.is_dir()
    return path.is_file() if what == "file" else path.exists()


def _looks_like_path(text: str) -> bool:
    """Whether a word that names nothing was meant as a path (not a query such as
    ``in:news/2024``): it starts like one, or ends with a slash."""
    return text.startswith(("/", "~", "./", "../")) or text.endswith(("/", os.sep))


# ---------------------------------------------------------------------------
# the store and the library


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


def _writable_store(args: argparse.Namespace, doing: str) -> Store:
    """The store for a command that changes it: one that would not be saved is an error."""
    store = _open_store(args)
    if store.path is None:
        notice = store.notice or "the state file cannot be written"
        store.close()
        raise _Failure(f"nothing was {doing}: {notice}")
    if store.notice:
        print(f"aireader: {store.notice}", file=sys.stderr)
    return store


def _run_app(folder: Path, args: argparse.Namespace, article: Path | None = None) -> int:
    # Start-up makes a great many objects that live as long as the app and almost
    # no garbage: collecting while Textual loads and draws the first frame only
    # costs time (a sixth of it). The app collects again once that frame is out.
    gc.disable()
    from aireader.ui.app import ReaderApp  # Textual loads only for the TUI

    store = _open_app_store(args)
    app = ReaderApp(folder, store, args.settings, args.problems, open_path=article)
    try:
        app.run()
    finally:
        app.writer.close()  # every write the user made is committed before we go
        store.close()
    return EXIT_OK


PROGRESS_DIGITS = 3
"""Decimals of ``progress`` in JSON and CSV (0.193: a tenth of a percent)."""


def article_record(article: Article, state: ArticleState) -> dict[str, Any]:
    """An article as the JSON object ``aireader list --json`` prints."""
    return {
        "path": article.location,
        "title": article.title,
        "date": article.date.isoformat() if article.date else None,
        "date_source": str(article.date_source) if article.date_source else None,
        "tags": list(article.tags),
        "topics": list(article.topics),
        "author": article.author,
        "source": article.source,
        "lang": article.lang,
        "link": article.link,
        "draft": article.draft,
        "read": state.read,
        "bookmarked": state.bookmarked,
        "progress": None if state.progress is None else round(state.progress, PROGRESS_DIGITS),
    }


def _stdout() -> tuple[IO[str], bool]:
    """Standard output made safe for any terminal, and whether JSON must be ASCII."""
    out = sys.stdout
    if isinstance(out, io.TextIOWrapper):
        out.reconfigure(errors="replace")  # a non-UTF-8 terminal gets "?", not a traceback
    ascii_json = codecs.lookup(getattr(out, "encoding", None) or "utf-8").name != "utf-8"
    return out, ascii_json


_T = TypeVar("_T")


def _read_store(args: argparse.Namespace, read: Callable[[Store], _T]) -> _T:
    """``read(store)`` on the user's store, opened for it and closed after; a store
    that needed repair says so on stderr first."""
    store = _open_store(args)
    try:
        if store.notice:
            print(f"aireader: {store.notice}", file=sys.stderr)
        return read(store)
    finally:
        store.close()


def _states(args: argparse.Namespace, articles: Sequence[Article]) -> dict[str, ArticleState]:
    """Read-state and bookmarks from the store, saying on stderr if it needed repair."""
    return _read_store(args, lambda store: store.states(articles))


def _query(text: str) -> Query:
    """``text`` parsed as a query; a bad one is a usage error."""
    from aireader.core.query import QueryError, parse

    try:
        return parse(text)
    except QueryError as exc:
        raise _Failure(f"bad query: {neutralise_line(str(exc))}") from None


class _Found:
    """What a command found in the library."""

    def __init__(
        self,
        articles: list[Article],
        hits: list[int],
        states: dict[str, ArticleState],
        skipped: list[Skipped],
        root: Path,
    ) -> None:
        self.articles = articles
        """Every article, in the index's order (newest first)."""
        self.hits = hits
        """Positions in :attr:`articles` of those found, best match first when a query's
        words ranked them, else in the library's order."""
        self.states = states
        self.skipped = skipped
        self.root = root

    def state(self, article: Article) -> ArticleState:
        return self.states.get(article.identity, UNTOUCHED)


def _find(folder: Path, query: Query | None, states: Store | argparse.Namespace) -> _Found:
    """The library's articles and those ``query`` finds (all when None or empty).

    ``states`` gives the articles' state: a :class:`Store`, or the command's
    arguments (a store is then opened for them, and closed).
    """
    from aireader.core.index import Index
    from aireader.core.query import QueryError
    from aireader.core.search import Search

    index = Index.open(folder, paths.cache_dir())
    try:
        index.sync()
        ids: list[int] = []
        articles = index.articles(ids=ids)
        skipped = index.skipped()
        if isinstance(states, Store):
            state_map = states.states(articles)
        else:
            state_map = _states(states, articles)
        if query is None or query.root is None:
            hits = list(range(len(articles)))
        else:
            try:
                hits = Search(index, articles, ids, state_map).run(query)
            except QueryError as exc:
                raise _Failure(f"bad query: {neutralise_line(str(exc))}") from None
        root = index.root
    finally:
        index.close()
    return _Found(articles, hits, state_map, skipped, root)


def _ordered(found: _Found, query: Query | None, sort: str) -> list[int]:
    """The hits in the order to print: the ranking when the query's words made
    one, else newest first, oldest first or by title, as ``sort`` says."""
    if query is not None and query.ranked:
        return found.hits
    articles = found.articles
    newest = sorted(
        found.hits,
        key=lambda i: (-articles[i].sort_key, articles[i].title.casefold(), articles[i].relpath),
    )
    if sort == "oldest":
        return newest[::-1]
    if sort == "title":
        return sorted(newest, key=lambda i: title_key(articles[i].title))
    return newest


def _day(article: Article, unknown: str = "---------- ", pad: str = " ") -> str:
    """The article's day, ISO 8601, then ``~`` when it is the file's time (the article
    gives no date), as in the reader's list, else ``pad`` (columns stay aligned)."""
    if article.date is None:
        return unknown
    guessed = "~" if article.date_source == DateSource.MTIME else pad
    return article.date.day().isoformat() + guessed


def _listed(article: Article, state: ArticleState) -> str:
    """An article as ``list`` prints it: day, N (unread) B (bookmarked), title, path."""
    flags = ("N" if not state.read else "-") + ("B" if state.bookmarked else "-")
    title, relpath = neutralise_line(article.title), neutralise_line(article.relpath)
    return f"{_day(article)}  {flags}  {title}  ({relpath})"


def _plural(n: int, one: str, many: str | None = None) -> str:
    return f"{n:,} {one if n == 1 else many or one + 's'}"


# ---------------------------------------------------------------------------
# list


def _list_arguments(args: argparse.Namespace) -> tuple[Path, str | None]:
    """list's folder and query: ``list [QUERY] [--folder DIR]``.

    The older ``list [FOLDER] [QUERY]`` still works: without ``--folder``, one
    argument that is a folder is the folder (else the query, unless it was plainly
    meant as a path), and of two, the one that is a folder is the folder.
    """
    first, second = args.query, args.second
    if args.folder is not None:
        if second is not None:
            args.parser.error(
                f"one query, quoted: aireader list '{neutralise_line(first)} "
                f"{neutralise_line(second)}' --folder DIR"
            )
        return _folder(args.folder, args), first
    if first is not None and second is None:
        if _is(first, "dir"):
            return _folder(first, args), None
        if _is(first, "exists") or _looks_like_path(first):
            return _folder(first, args), None  # says why it is not a folder
        return _folder(None, args), first
    if first is not None and second is not None:
        if not _is(first, "dir") and _is(second, "dir"):
            first, second = second, first  # aireader list QUERY FOLDER
        elif not _is(first, "exists") and not _looks_like_path(first):
            args.parser.error(
                f"no such folder: {neutralise_line(first)} (aireader list QUERY --folder DIR; "
                "quote a query of several words)"
            )
        return _folder(first, args), second
    return _folder(None, args), None


def _list(args: argparse.Namespace) -> int:
    folder, query_text = _list_arguments(args)
    out, ascii_json = _stdout()
    if args.skipped:
        if query_text is not None:
            args.parser.error("--skipped takes no query")
        from aireader.core.index import Index

        index = Index.open(folder, paths.cache_dir())
        try:
            index.sync()
            skipped_files = index.skipped()
        finally:
            index.close()
        for skipped in skipped_files:
            if args.json:
                record = {"path": str(skipped.path), "reason": skipped.reason}
                out.write(json.dumps(record, ensure_ascii=ascii_json) + "\n")
            else:
                rel, why = neutralise_line(skipped.relpath), neutralise_line(skipped.reason)
                out.write(f"{rel}: {why}\n")
        return EXIT_OK if skipped_files else EXIT_NO_MATCH
    query = _query(query_text) if query_text is not None else None
    found = _find(folder, query, args)
    order = _ordered(found, query, args.settings.sort)
    for position in order:
        article = found.articles[position]
        state = found.state(article)
        if args.json:
            listed = {**article_record(article, state), "extract": _extract(article, found.root)}
            out.write(json.dumps(listed, ensure_ascii=ascii_json) + "\n")
            continue
        progress = f"  {round(state.progress * 100)}%" if state.progress is not None else ""
        out.write(f"{_listed(article, state)}{progress}\n")
    if not found.articles:
        failed = found.skipped
        why = f": {_plural(len(failed), 'file')} could not be loaded" if failed else ""
        see = " (aireader list --skipped says why)" if failed else ""
        root = neutralise_line(str(found.root))
        print(f"aireader: no articles in {root}{why}{see}", file=sys.stderr)
    elif found.skipped and not args.json:
        print(
            f"aireader: {len(found.skipped)} file(s) skipped; see: aireader list --skipped",
            file=sys.stderr,
        )
    if not order and query_text is not None and not args.json:
        print(f"aireader: nothing matches {neutralise_line(query_text)}", file=sys.stderr)
    return EXIT_OK if order else EXIT_NO_MATCH


# ---------------------------------------------------------------------------
# mark


def _mark(args: argparse.Namespace) -> int:
    targets: list[str] = args.targets
    as_paths = all(_is(t, "file") for t in targets)
    query: Query | None = None
    if not as_paths:
        if len(targets) > 1:
            bad = next(t for t in targets if not _is(t, "file"))
            raise _Failure(
                f"not a file: {neutralise_line(bad)} (give article files, "
                "or one query in quotes: aireader mark read 'tag:sora is:unread')"
            )
        (target,) = targets
        if _is(target, "dir"):
            raise _Failure(
                f"{neutralise_line(target)} is a folder, not an article (to mark what is in "
                "a folder of the library, use a query: in:FOLDER)"
            )
        if _looks_like_path(target):
            raise _Failure(f"no such file: {neutralise_line(target)}")
        query = _query(target)
        if query.root is None:
            raise _Failure(
                "bad query: nothing to match (to mark every article, say so: "
                "aireader mark read is:unread)"
            )
    field, value, word = MARKS[args.action]
    # A file names its article (state is keyed by content): no library is needed.
    folder = _folder(args.folder, args) if query is not None else None
    files = _articles_at(targets, args) if query is None else []
    store = _writable_store(args, "marked")
    try:
        if folder is not None:
            found = _find(folder, query, store)
            order = _ordered(found, query, args.settings.sort)
            matched = [found.articles[i] for i in order]
        else:
            matched = files
            found = _Found(files, [], store.states(files, follow=False), [], Path())
        if not matched:
            print(f"aireader: nothing matches {neutralise_line(targets[0])}", file=sys.stderr)
            return EXIT_NO_MATCH
        changed = [a for a in matched if getattr(found.state(a), field) != value]
        when = datetime.now().timestamp()
        if field == "read":
            store.set_read(changed, value, when)
        else:
            store.set_bookmarked(changed, value, when)
    finally:
        store.close()
    out, ascii_json = _stdout()
    for article in changed:
        before = found.state(article)
        if field == "read":
            after = before.replace(read=value, read_set_at=when)
        else:
            after = before.replace(bookmarked=value, bookmark_set_at=when)
        if args.json:
            out.write(json.dumps(article_record(article, after), ensure_ascii=ascii_json) + "\n")
        else:
            title, relpath = neutralise_line(article.title), neutralise_line(article.relpath)
            out.write(f"{word}: {title}  ({relpath})\n")
    already = len(matched) - len(changed)
    if already:
        were = "was" if already == 1 else "were"
        print(
            f"aireader: {_plural(already, 'article')} matched but {were} already {word}",
            file=sys.stderr,
        )
    return EXIT_OK


def _related(args: argparse.Namespace) -> int:
    from aireader.core.index import Index
    from aireader.core.related import article_terms, related
    from aireader.core.search import Search

    path = Path(args.path).expanduser()
    if not path.is_file():
        raise _Failure(f"no such file: {neutralise_line(args.path)}")
    if args.folder is not None:
        folder = _folder(args.folder, args)
    else:
        folder = _folder(None, args)
        if not path.resolve().is_relative_to(folder.resolve()):
            folder = check_folder(path.resolve().parent)
    index = Index.open(folder, paths.cache_dir())
    try:
        index.sync()
        ids: list[int] = []
        articles = index.articles(ids=ids)
        states = _states(args, articles)
        found = _Found(articles, [], states, index.skipped(), index.root)
        (position,) = _by_paths(found, [str(path)])
        article = articles[position]
        terms = article_terms(article)
        hits = related(article, Search(index, articles, ids, states), terms, args.limit or 5)
    finally:
        index.close()
    if not hits:
        print(
            f"aireader: nothing in the library is related to {neutralise_line(article.relpath)}",
            file=sys.stderr,
        )
        return EXIT_NO_MATCH
    out, ascii_json = _stdout()
    for rank, hit in enumerate(hits, 1):
        other = articles[hit]
        if args.json:
            record = {
                "rank": rank,
                **article_record(other, found.state(other)),
                "relpath": other.relpath,
            }
            out.write(json.dumps(record, ensure_ascii=ascii_json) + "\n")
        else:
            day = _day(other, pad="")
            title, relpath = neutralise_line(other.title), neutralise_line(other.relpath)
            out.write(f"{rank}. {day}  {title}  ({relpath})\n")
    return EXIT_OK


def _articles_at(targets: Sequence[str], args: argparse.Namespace) -> list[Article]:
    """The articles in these files, read from them. A file that is not an article
    is an error."""
    roots = _library_roots(args)
    out: dict[str, Article] = {}
    for target in targets:
        shown = neutralise_line(target)
        path = Path(target).expanduser()
        if path.suffix.lower() not in EXTENSIONS:
            kinds = ", ".join(sorted(EXTENSIONS))
            raise _Failure(f"not an article: {shown} (aireader reads {kinds} files)")
        article = _read_article(path, roots, str(path))
        if isinstance(article, Skipped):
            raise _Failure(f"{shown} could not be loaded ({neutralise_line(article.reason)})")
        out.setdefault(article.location, article)
    return list(out.values())


def _library_roots(args: argparse.Namespace) -> list[Path]:
    """The libraries an article file may be in: ``--folder``, the configured
    folders, the sample library (resolved, those that exist)."""
    libraries = [Path(args.folder).expanduser()] if args.folder is not None else []
    libraries += [*args.settings.folders, paths.bundled_library()]
    return [folder.resolve() for folder in libraries if folder.is_dir()]


def _read_article(path: Path, roots: Sequence[Path], shown: str) -> Article | Skipped:
    """The article in one file, read now: its path is the one in the library (of
    ``roots``) it is in, else ``shown``."""
    from aireader.core.parse import parse_file

    real = path.resolve()
    root = next((r for r in roots if real.is_relative_to(r)), None)
    if root is None:
        return parse_file(real, real.parent, relpath=shown)
    return parse_file(real, root, relpath=real.relative_to(root).as_posix())


def _by_paths(found: _Found, targets: Sequence[str]) -> list[int]:
    """The positions of the articles at these paths; a path that is not one of the
    library's articles is an error."""
    by_location = {a.location: i for i, a in enumerate(found.articles)}
    resolved: dict[str, int] | None = None  # made only when a path is not found as given
    out: list[int] = []
    for target in targets:
        path = Path(target).expanduser()
        position = by_location.get(os.path.abspath(path))
        if position is None:
            real = str(path.resolve())
            position = by_location.get(real)
            if position is None:
                if resolved is None:
                    resolved = {}
                    for i, article in enumerate(found.articles):
                        resolved.setdefault(str(Path(article.location).resolve()), i)
                position = resolved.get(real)
        if position is None:
            raise _Failure(_not_an_article(found, path))
        if position not in out:
            out.append(position)
    return out


def _not_an_article(found: _Found, path: Path) -> str:
    shown = neutralise_line(str(path))
    real = path.resolve()
    for skipped in found.skipped:
        if skipped.path.resolve() == real:
            return f"{shown} could not be loaded ({neutralise_line(skipped.reason)})"
    root = neutralise_line(str(found.root))
    return f"not an article of the library {root}: {shown} (--folder DIR names the library)"


# ---------------------------------------------------------------------------
# export


def _export(args: argparse.Namespace) -> int:
    if args.json and args.format not in (None, "json"):
        args.parser.error(f"--json and --format {args.format} disagree")
    form = "json" if args.json else args.format or "md"
    given = args.folder is not None or args.folder_arg is not None
    missing: set[str] = set()
    if args.bookmarks and not given and args.query is None:
        # Bookmarks are the user's, not a folder's: every one, wherever it is.
        rows, missing = _every_bookmark(args)
    else:
        folder = _library(args)
        query = _query(args.query) if args.query is not None else None
        found = _find(folder, query, args)
        order = _ordered(found, query, args.settings.sort)
        if args.bookmarks:
            order = [i for i in order if found.state(found.articles[i]).bookmarked]
        rows = [(found.articles[i], found.state(found.articles[i])) for i in order]
    if not rows:
        what = "no bookmarked articles" if args.bookmarks else "no articles"
        where = f" match {neutralise_line(args.query)}" if args.query is not None else ""
        print(f"aireader: nothing to export: {what}{where}", file=sys.stderr)
        return EXIT_NO_MATCH
    out, ascii_json = _stdout()
    if form == "json":
        for article, state in rows:
            extract = [] if article.location in missing else _extract(article, article.path.parent)
            record = {**article_record(article, state), "extract": extract}
            out.write(json.dumps(record, ensure_ascii=ascii_json) + "\n")
    elif form == "csv":
        _write_csv(out, rows)
    else:
        heading = "Bookmarks" if args.bookmarks else "Reading list"
        out.writelines(markdown_list(rows, heading, missing))
    return EXIT_OK


def _every_bookmark(
    args: argparse.Namespace,
) -> tuple[list[tuple[Article, ArticleState]], set[str]]:
    """Every bookmarked article in the store, read afresh from the file it was last
    seen at, in the sort order; one whose file is gone is given by the title and path
    it was last seen with (their locations are returned too)."""
    from aireader.core.article import Format

    known = _read_store(args, Store.bookmarked)
    roots = _library_roots(args)
    articles: list[Article] = []
    states: dict[str, ArticleState] = {}
    missing: set[str] = set()
    for item in known:
        path = Path(item.path)
        read = _read_article(path, roots, item.path) if path.is_file() else None
        if isinstance(read, Article):
            article = read
        else:
            title = item.title or path.name
            article = Article(item.path, item.path, title, "", Format.TEXT, item.identity)
            missing.add(article.location)
        if article.identity in states:
            continue  # two rows for one file: its content, and its path before an edit
        states[article.identity] = item.state
        articles.append(article)
    found = _Found(articles, list(range(len(articles))), states, [], Path())
    order = _ordered(found, None, args.settings.sort)
    return [(articles[i], found.state(articles[i])) for i in order], missing


CSV_FIELDS = (
    "path",
    "title",
    "date",
    "date_source",
    "tags",
    "author",
    "source",
    "lang",
    "link",
    "draft",
    "read",
    "bookmarked",
    "progress",
)


def _write_csv(out: IO[str], rows: Sequence[tuple[Article, ArticleState]]) -> None:
    import csv

    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_FIELDS)
    for article, state in rows:
        record = article_record(article, state)
        writer.writerow([_csv_cell(record[name]) for name in CSV_FIELDS])


def _csv_cell(value: Any) -> str:
    """A value as CSV text: one line, lists joined with "; ", true/false, and text a
    spreadsheet would run as a formula (``=HYPERLINK(...)``) made to start with '."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        value = "; ".join(neutralise_line(str(v)) for v in value)
    text = neutralise_line(str(value))
    if text[:1] in ("=", "+", "-", "@"):
        text = "'" + text
    return text


_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>()~&@])")
"""Characters that could make Markdown (a link, emphasis, HTML, an entity, an email
address) out of text mid-line: escaped with a backslash."""
_AUTOLINK = re.compile(r"(?i):(?=//)|(?<=\bwww)\.")
"""Where an address written in text would become a link (GFM autolinks): the ":" of
"https://", the "." of "www.": escaped too."""
_URL_SAFE = "/:?#[]@!$&'*+,;=%~-._"
"""Characters kept as they are in a link's address; the rest are %-encoded."""


def markdown_text(text: str) -> str:
    """``text`` as Markdown that shows it as it is, on one line: no link, emphasis,
    HTML or autolink can come out of it."""
    escaped = _MD_SPECIAL.sub(r"\\\1", neutralise_line(text))
    return _AUTOLINK.sub(lambda m: "\\" + m.group(), escaped)


def _markdown_address(article: Article) -> str:
    """The article's link when it is a web address, else its file (a file:// URI),
    %-encoded so that nothing in it can end the link."""
    link = neutralise_line(article.link or "")
    try:
        parts = urlsplit(link)
        web = parts.scheme.lower() in ("http", "https") and bool(parts.netloc)
    except ValueError:
        web = False
    address = link if web else article.path.as_uri()
    return quote(address, safe=_URL_SAFE)


def markdown_list(
    rows: Sequence[tuple[Article, ArticleState]],
    heading: str,
    missing: Collection[str] = (),
) -> Iterator[str]:
    """A Markdown reading list: a heading, then one list item per article (those
    whose location is in ``missing`` are said to be no longer found)."""
    yield f"# {heading}\n\n"
    today = date.today().isoformat()
    yield f"{_plural(len(rows), 'article')}, exported by aireader on {today}.\n\n"
    for article, state in rows:
        details: list[str] = []
        by = [markdown_text(x) for x in (article.source, article.author) if x]
        if by:
            details.append(", ".join(by))
        if article.date:
            details.append(markdown_text(_day(article, pad="")))
        tags = ["#" + markdown_text("-".join(tag.split())) for tag in article.tags if tag.strip()]
        if tags:
            details.append(" ".join(tags))
        marks = [
            word for word, on in (("read", state.read), ("bookmarked", state.bookmarked)) if on
        ]
        if marks:
            details.append(", ".join(marks))
        if article.location in missing:
            details.append("file not found")
        link = f"[{markdown_text(article.title)}]({_markdown_address(article)})"
        yield f"- {link}" + (" — " + " · ".join(details) if details else "") + "\n"


# ---------------------------------------------------------------------------
# state


def _state_export(args: argparse.Namespace) -> int:
    data = _read_store(args, Store.export_state)
    if args.file == "-":
        out, ascii_json = _stdout()
        out.write(json.dumps(data, ensure_ascii=ascii_json, indent=1) + "\n")
        return EXIT_OK
    target = Path(args.file).expanduser()
    _write_whole(target, json.dumps(data, ensure_ascii=False, indent=1) + "\n")
    articles = _plural(len(data["articles"]), "article")
    searches = _plural(len(data["saved_searches"]), "saved search", "saved searches")
    print(f"exported the state of {articles} and {searches} to {neutralise_line(str(target))}")
    return EXIT_OK


def _write_whole(target: Path, text: str) -> None:
    """Write ``text`` to ``target`` whole or not at all: to a temporary file beside
    it, synced, then renamed over it."""
    from aireader.core.files import write_whole

    shown = neutralise_line(str(target))
    if target.is_dir():
        raise _Failure(f"cannot write {shown}: it is a folder")
    try:
        write_whole(target, text)
    except OSError as exc:
        raise _Failure(f"cannot write {shown}: {exc.strerror or exc}") from None


def _read_state_file(name: str) -> Any:
    """The JSON in the file (``-``: standard input); what is not JSON is an error."""
    shown = "standard input" if name == "-" else neutralise_line(name)
    try:
        raw = sys.stdin.buffer.read() if name == "-" else Path(name).expanduser().read_bytes()
    except IsADirectoryError:
        raise _Failure(f"cannot read {shown}: it is a folder") from None
    except OSError as exc:
        raise _Failure(f"cannot read {shown}: {exc.strerror or exc}") from None
    try:
        return json.loads(raw)
    except UnicodeDecodeError:
        raise _Failure(f"{shown} is not a state file (not UTF-8 text)") from None
    except json.JSONDecodeError as exc:
        where = f"line {exc.lineno} column {exc.colno}"
        raise _Failure(f"{shown} is not a state file (not JSON: {exc.msg} at {where})") from None
    except (ValueError, RecursionError) as exc:
        raise _Failure(f"{shown} is not a state file ({exc})") from None


def _state_import(args: argparse.Namespace) -> int:
    shown = "standard input" if args.file == "-" else neutralise_line(args.file)
    data = _read_state_file(args.file)
    store = _writable_store(args, "imported")
    backup: Path | None = None
    try:
        assert store.path is not None  # a store in memory was refused
        before = store.export_state() if not args.merge else None
        if not args.merge:
            backup = _backup_name(store.path)
            store.backup(backup)
        try:
            result = store.import_state(data, merge=args.merge)
        except StateFileError as exc:
            if backup is not None:
                with contextlib.suppress(OSError):
                    backup.unlink()
            raise _Failure(f"{shown}: {neutralise_line(str(exc))}; nothing was imported") from None
    finally:
        store.close()
    removed = removed_searches = 0
    if before is not None:
        kept = {record["identity"] for record in data["articles"]}
        removed = sum(record["identity"] not in kept for record in before["articles"])
        kept = {record["name"] for record in data["saved_searches"]}
        removed_searches = sum(s["name"] not in kept for s in before["saved_searches"])
    out, ascii_json = _stdout()
    if args.json:
        record = {
            "added": result.added,
            "updated": result.updated,
            "unchanged": result.unchanged,
            "searches": result.searches,
            "removed": removed,
            "removed_searches": removed_searches,
            "merge": args.merge,
            "backup": str(backup) if backup else None,
        }
        out.write(json.dumps(record, ensure_ascii=ascii_json) + "\n")
        return EXIT_OK
    if backup is not None:
        out.write(f"the state before the import is saved in {neutralise_line(str(backup))}\n")
    how = "merged" if args.merge else "imported"
    counts = [
        f"{_plural(result.added, 'article')} added",
        f"{result.updated:,} updated",
        f"{result.unchanged:,} unchanged",
    ]
    if not args.merge:
        counts.append(f"{removed:,} not in the file removed")
    searches = _plural(result.searches, "saved search", "saved searches")
    out.write(f"{how} from {shown}: {', '.join(counts)}; {searches} added or changed")
    if removed_searches:
        out.write(f", {removed_searches:,} removed")
    out.write("\n")
    return EXIT_OK


def _backup_name(state_file: Path) -> Path:
    """``state.sqlite3.before-import-YYYYMMDD-HHMMSS`` beside the state file (-2, -3...
    when that is taken)."""
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    target = state_file.with_name(f"{state_file.name}.before-import-{stamp}")
    n = 1
    while target.exists():
        n += 1
        target = state_file.with_name(f"{state_file.name}.before-import-{stamp}-{n}")
    return target


# ---------------------------------------------------------------------------
# config


def _config_path(args: argparse.Namespace) -> int:
    path: Path = args.config_file
    out, _ = _stdout()
    out.write(f"{path}\n")
    if not path.exists():
        print(
            "aireader: there is no file there yet; aireader config init writes one", file=sys.stderr
        )
    return EXIT_OK


def _config_init(args: argparse.Namespace) -> int:
    path: Path = args.config_file
    shown = neutralise_line(str(path))
    if path.is_dir():
        raise _Failure(f"cannot write {shown}: it is a folder")
    try:
        written = config.write_default(path)
    except OSError as exc:
        raise _Failure(f"cannot write {shown}: {exc.strerror or exc}") from None
    if not written:
        print(
            f"aireader: {shown} already exists; it was left as it is "
            "(aireader config show: the settings in force)",
            file=sys.stderr,
        )
        return EXIT_NO_MATCH
    print(f"wrote the default config to {shown}; every line is commented out")
    return EXIT_OK


SETTING_NAMES = tuple(config.ENV)
"""Every setting but the keys, in the order config show prints them."""


def _config_show(args: argparse.Namespace) -> int:
    settings: Settings = args.settings
    path: Path = args.config_file
    out, ascii_json = _stdout()
    entries: list[tuple[str, Any, str, str]] = []  # key, value, origin, where
    for name in SETTING_NAMES:
        value = getattr(settings, name)
        if name == "folders":
            value = [str(folder) for folder in value]
        origin = settings.origin.get(name, "default")
        entries.append((name, value, origin, _where(name, value, origin, path)))
    keys_origin = settings.origin.get("keys", "default") if settings.keys else "default"
    for binding, keys in settings.keys.items():
        entries.append((f"keys.{binding}", keys, keys_origin, _where("keys", keys, "config", path)))
    if args.json:
        for key, value, origin, where in entries:
            record = {"key": key, "value": value, "origin": origin, "where": where}
            out.write(json.dumps(record, ensure_ascii=ascii_json) + "\n")
        return EXIT_OK
    found = "" if path.is_file() else " (there is no file there: aireader config init writes one)"
    out.write(f"# the settings in force; the config file: {_toml(str(path))}{found}\n")
    for key, value, _origin, where in entries:
        if key.startswith("keys."):
            continue
        out.write(f"{key} = {_toml(value)}  # {where}\n")
    out.write("\n[keys]\n")
    if not settings.keys:
        out.write("# none remapped: each action has its default keys (? in the app lists them)\n")
    for binding, keys in settings.keys.items():
        action = binding.removeprefix("main.")
        name = ".".join(
            p if re.fullmatch(r"[A-Za-z0-9_-]+", p) else _toml(p) for p in action.split(".")
        )
        out.write(f"{name} = {_toml(keys)}  # config file\n")
    return EXIT_OK


def _where(name: str, value: Any, origin: str, path: Path) -> str:
    """Where a setting comes from, in words."""
    if origin == "config":
        return f"config file {neutralise_line(str(path))}"
    if origin == "environment":
        return f"environment variable {config.ENV.get(name, name)}"
    if origin == "flag":
        flag = name.replace("_", "-")
        return f"flag --{'no-' if value is False else ''}{flag}"
    return "default"


def _toml(value: Any) -> str:
    """A value as TOML writes it (JSON's strings, lists and booleans are TOML's too)."""
    return json.dumps(value, ensure_ascii=False)


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
    terminal = out.isatty()
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
        if not terminal:  # one hit a line, for grep, sort and files: list's line + snippet
            state = states.get(article.identity, UNTOUCHED)
            marked = style.snippet([(t, lit) for t, lit in _runs(text, spans)])
            out.write(f"{_listed(article, state)}  {marked}\n")
            continue
        if rank > 1:
            out.write("\n")
        title_spans = query.title_highlights(article.title) if style.colour else []
        for line in wrap(article.title, title_spans, width):
            out.write(style.title(line) + "\n")
        day = _day(article, "no date", pad="")
        out.write(style.dim(f"{day} {style.dot} {neutralise_line(article.relpath)}") + "\n")
        for line in wrap(text, spans, width - len(SNIPPET_INDENT), marks=not style.colour):
            out.write(SNIPPET_INDENT + style.snippet(line) + "\n")
    if not args.json and len(hits) > limit:
        shown = f"showing {limit} of {len(hits)} matches"
        print(f"aireader: {shown}; --limit N shows more", file=sys.stderr)
    return EXIT_OK


def _extract(article: Article, root: Path) -> list[str]:
    """The article's short extract (its own sentences), read from its file now."""
    from aireader.core.summary import extract

    text, _markdown = _body(article, root)
    return extract(article.title, text)


def _body(article: Article, root: Path) -> tuple[str, bool]:
    """The article's text read afresh from its file (the index keeps none), and
    whether it is Markdown; empty when the file cannot be read now."""
    from aireader.core.article import Format
    from aireader.core.parse import parse_file, strip_leading_title

    fresh = parse_file(article.path, root, relpath=article.relpath, derive=False)
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
    """About :data:`SNIPPET_COLUMNS` of ``body`` on one line, around the match of
    ``query`` that best shows why the article was found, and where its matches are.

    That is the first paragraph holding the most of the query's words and phrases
    (a phrase only where its words stand together), at the place in it where most
    of them come close, a word standing alone preferred to the same word as a part
    of a hyphenated one ("curtas", not "curtas-metragens"); the start of the text
    when nothing in it matches (the title or the tags did).

    ``body`` is ``(text, is_markdown)``. Whitespace runs become one space; a cut
    falls between words where it can, and is shown by an ellipsis.
    """
    text, markdown = body
    wanted = len(query.text_leaves())
    lines: list[str] = []
    best: tuple[tuple[int, int], int, tuple[int, int]] | None = None  # (score, line, anchor)
    for paragraph in _PARAGRAPH.split(text):
        line = " ".join((_plain_markdown(paragraph) if markdown else paragraph).split())
        if not line:
            continue
        lines.append(line)
        if best is not None and best[0] == (wanted, wanted):
            if _columns(" ".join(lines[best[1] :])) > SNIPPET_COLUMNS:
                break  # the passage is long enough
            continue
        matches = query.matches(line)
        if matches:
            score, anchor = _best_anchor(line, matches)
            if best is None or score > best[0]:
                best = (score, len(lines) - 1, anchor)
    if best is None:
        head: list[str] = []
        for line in lines:
            head.append(line)
            if _columns(" ".join(head)) > SNIPPET_COLUMNS:
                break
        shown = _window(" ".join(head), None)
    else:
        _, first, anchor = best
        passage = [lines[first]]
        for line in lines[first + 1 :]:
            if _columns(" ".join(passage)) > SNIPPET_COLUMNS:
                break
            passage.append(line)
        shown = _window(" ".join(passage), anchor)
    return shown, query.highlights(shown)


def _best_anchor(
    line: str, matches: list[tuple[int, int, int]]
) -> tuple[tuple[int, int], tuple[int, int]]:
    """Where in ``line`` to anchor the snippet: the first match from which the most
    different words and phrases of the query follow within a snippet's width (then
    the most of them standing alone); and its score, (how many, how many alone)."""
    reach = SNIPPET_COLUMNS - SNIPPET_LEAD
    best = ((0, 0), (matches[0][1], matches[0][2]))
    for i, (_, start, end) in enumerate(matches):
        seen: set[int] = set()
        alone: set[int] = set()
        for leaf, later_start, later_end in matches[i:]:
            if later_end - start > reach or _columns(line[start:later_end]) > reach:
                break
            seen.add(leaf)
            if _stands_alone(line, later_start, later_end):
                alone.add(leaf)
        score = (len(seen), len(alone))
        if score > best[0]:
            best = (score, (start, end))
    return best


def _stands_alone(line: str, start: int, end: int) -> bool:
    """Whether the match ``line[start:end]`` is not a part of a hyphenated word."""
    before = line[max(0, start - 2) : start]
    after = line[end : end + 2]
    joined_before = len(before) == 2 and before[1] in "-‐" and before[0].isalnum()
    joined_after = len(after) == 2 and after[0] in "-‐" and after[1].isalnum()
    return not (joined_before or joined_after)


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


def _runs(text: str, spans: Sequence[tuple[int, int]]) -> list[tuple[str, bool]]:
    """``text`` as ``(piece, highlighted)`` runs, unwrapped."""
    runs: list[tuple[str, bool]] = []
    at = 0
    for start, end in spans:
        if start > at:
            runs.append((text[at:start], False))
        runs.append((text[start:end], True))
        at = end
    if at < len(text):
        runs.append((text[at:], False))
    return runs


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
