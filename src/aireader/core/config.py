"""Settings: the config file, environment variables and command-line flags.

Where a setting comes from, strongest first: a command-line flag, an environment
variable, the config file (TOML, in the platformdirs config folder), the default.
A setting that is wrong (unknown key, wrong type, bad value) is reported in one
line naming the key and where it was set, and what a weaker source set (else the
default) is used instead: a typo in the config never keeps the reader from starting.

Pure: reads the config file and the environment it is given; knows nothing of
Textual (theme names and key names are checked by the UI, which knows them).
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from aireader.core.record import Record

CONFIG_ENV = "AIREADER_CONFIG"
CONFIG_FILE = "config.toml"
SORTS = ("newest", "oldest", "title")
DEFAULT_THEME = "textual-dark"
DEFAULT_DATE_FORMAT = "%b %d"
"""The list's date for this year's articles (older ones add the year)."""


class Settings(Record):
    """Every setting, with its default."""

    __slots__ = (
        "browser",
        "date_format",
        "folders",
        "keys",
        "mark_read_on_open",
        "origin",
        "sidebar",
        "sort",
        "theme",
    )
    folders: tuple[Path, ...]
    """Library folders; the first is opened when none is given (none: the bundled one)."""
    theme: str
    mark_read_on_open: bool
    sort: str
    date_format: str
    sidebar: bool
    browser: str
    """The command that opens links (``"w3m %s"``; see :mod:`aireader.core.browser`);
    empty: $BROWSER, else the platform's."""
    keys: dict[str, str]
    """Binding id (``main.next_unread``, ``list.down``…) to keys (``"n,J"``)."""
    origin: dict[str, str]
    """Where each setting that is not a default came from (for ``config show``)."""

    def __init__(
        self,
        folders: tuple[Path, ...] = (),
        theme: str = DEFAULT_THEME,
        mark_read_on_open: bool = True,
        sort: str = "newest",
        date_format: str = DEFAULT_DATE_FORMAT,
        sidebar: bool = True,
        keys: dict[str, str] | None = None,
        origin: dict[str, str] | None = None,
        browser: str = "",
    ) -> None:
        set_ = object.__setattr__
        set_(self, "folders", folders)
        set_(self, "theme", theme)
        set_(self, "mark_read_on_open", mark_read_on_open)
        set_(self, "sort", sort)
        set_(self, "date_format", date_format)
        set_(self, "sidebar", sidebar)
        set_(self, "browser", browser)
        set_(self, "keys", keys if keys is not None else {})
        set_(self, "origin", origin if origin is not None else {})


ENV: dict[str, str] = {
    "folders": "AIREADER_FOLDERS",
    "theme": "AIREADER_THEME",
    "mark_read_on_open": "AIREADER_MARK_READ_ON_OPEN",
    "sort": "AIREADER_SORT",
    "date_format": "AIREADER_DATE_FORMAT",
    "sidebar": "AIREADER_SIDEBAR",
    "browser": "AIREADER_BROWSER",
}
"""The environment variable for each setting (``folders`` is split on ``os.pathsep``)."""

DEFAULT_CONFIG = """\
# aireader configuration (the README's "Configuration" section says more).
# Every line is commented out: the value shown is the default. Remove the # to
# change one. Stronger than this file: environment variables (AIREADER_THEME...),
# then command-line flags (aireader --help).

# Library folders, each listed in the sidebar (Enter there opens it). The first
# opens when `aireader` is run without a folder; with none, the sample library.
# folders = ["~/articles", "~/notes/reading"]

# Any Textual theme: textual-dark, textual-light, nord, gruvbox, dracula,
# tokyo-night, monokai, solarized-light, catppuccin-mocha, ... A theme picked
# in the command palette (Ctrl+P) is remembered until this line changes.
# theme = "textual-dark"

# Mark an article read when it is opened (m marks it by hand either way).
# mark_read_on_open = true

# The order of the article list: newest, oldest or title.
# sort = "newest"

# How the list shows this year's dates (strftime codes; older dates add the year).
# date_format = "%b %d"

# Show the tag sidebar at start (T shows or hides it).
# sidebar = true

# The command that opens links (o, the links screen l, a click on a link). It
# runs without a shell; %s is the link (with no %s, the link goes last). Ending
# in " &", it runs in the background: a graphical browser, "firefox %s &".
# Otherwise it gets the terminal until it ends: a terminal browser, "w3m %s".
# Empty: $BROWSER, else the system's (open, xdg-open), else w3m, lynx...
# browser = ""

# Keys. Each action has a name (the help screen, ?, lists them); give it one
# key or several separated by commas. Keys are named as Textual names them:
# a, A, ctrl+d, f5, space, enter, escape, up, down, pageup, question_mark...
# Actions of the whole screen have plain names; those of one pane start with
# its name (list., reader., tags.).
[keys]
# next_unread = "n"
# toggle_read = "m"
# toggle_bookmark = "b"
# search = "slash"
# list.down = "j,down"
# list.up = "k,up"
# reader.down = "j,down"
"""


class ConfigError(ValueError):
    """The config file cannot be used at all (unreadable, or not TOML)."""


def config_path(environ: Mapping[str, str] | None = None) -> Path:
    """Where the config file is: ``$AIREADER_CONFIG``, else the platformdirs config folder."""
    environ = os.environ if environ is None else environ
    if environ.get(CONFIG_ENV):
        return Path(environ[CONFIG_ENV]).expanduser()
    import platformdirs

    return Path(platformdirs.user_config_dir("aireader")) / CONFIG_FILE


def write_default(path: Path) -> bool:
    """Write the commented default config at ``path``; False if a file is already there
    (it is never overwritten)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        with path.open("x", encoding="utf-8") as out:
            out.write(DEFAULT_CONFIG)
    except FileExistsError:
        return False
    return True


# -- reading ------------------------------------------------------------------


def load(
    path: Path | None = None,
    environ: Mapping[str, str] | None = None,
    flags: Mapping[str, Any] | None = None,
) -> tuple[Settings, list[str]]:
    """Settings from the file at ``path`` (default: :func:`config_path`), then the
    environment, then ``flags`` (settings given on the command line; None = not given).

    Returns the settings and a list of one-line problems, each already fallen
    back (to what a weaker source set, else the default). A missing config file
    is no problem.
    """
    environ = os.environ if environ is None else environ
    path = config_path(environ) if path is None else path
    problems: list[str] = []
    settings = Settings()
    try:
        values, lines = _read(path)
    except FileNotFoundError:
        values, lines = {}, []
    except ConfigError as exc:
        problems.append(str(exc))
        values, lines = {}, []
    settings = _apply(settings, values, _FileSource(path, lines), problems)
    env_values: dict[str, Any] = {}
    for name, variable in ENV.items():
        raw = environ.get(variable)
        if raw is not None and raw != "":
            env_values[name] = _from_text(name, raw)
    settings = _apply(settings, env_values, _EnvSource(), problems)
    given = {k: v for k, v in (flags or {}).items() if v is not None}
    return _apply(settings, given, _FlagSource(), problems), problems


def _read(path: Path) -> tuple[dict[str, Any], list[str]]:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise
    except UnicodeDecodeError:
        raise ConfigError(f"{path}: not UTF-8 text; using the defaults") from None
    except OSError as exc:
        why = exc.strerror or exc
        raise ConfigError(f"{path}: cannot read it ({why}); using the defaults") from None
    try:
        import tomllib  # only when there is a config file: it costs start-up time

        return tomllib.loads(text), text.splitlines()
    except ValueError as exc:  # tomllib.TOMLDecodeError
        raise ConfigError(f"{path}: not valid TOML: {exc}; using the defaults") from None


_KEY_PART = r"""(?:[A-Za-z0-9_-]+|"(?:[^"\\]|\\.)*"|'[^']*')"""
_DOTTED_KEY = rf"{_KEY_PART}(?:\s*\.\s*{_KEY_PART})*"
_HEADER = rf"^\s*\[\[?\s*({_DOTTED_KEY})\s*\]"
_ASSIGNMENT = rf"^\s*({_DOTTED_KEY})\s*="


def _dotted(written: str) -> str:
    """A TOML key as written (``keys . "list" . down``) as its dotted name (``keys.list.down``)."""
    parts = re.findall(rf"\s*({_KEY_PART})\s*(?:\.|$)", written)
    return ".".join(_unquoted(part) for part in parts)


def _unquoted(part: str) -> str:
    """A key part without its quotes (a basic string's escapes read as JSON reads them,
    which covers TOML's but ``\\U`` and ``\\e``)."""
    if part[:1] == "'":
        return part[1:-1]
    if part[:1] == '"':
        try:
            return str(json.loads(part))
        except ValueError:
            return part[1:-1]
    return part


class _FileSource:
    def __init__(self, path: Path, lines: list[str]) -> None:
        self.path, self.lines = path, lines

    def where(self, key: str, table: str = "") -> str:
        """``config.toml line 7``: the line that sets ``key`` of ``table``, however it
        is written (``list.down = `` under ``[keys]``, ``down = `` under
        ``[keys.list]``, ``keys.list.down = `` at the top), or the ``[header]`` of a
        table named ``key``; just the file when no line says it (an inline table)."""
        full = f"{table}.{key}" if table else key
        current = ""
        near: int | None = None  # a line that sets a table holding the key
        for number, line in enumerate(self.lines, 1):
            header = re.match(_HEADER, line)
            if header:
                current = _dotted(header[1])
                if current == full:
                    return f"{self.path} line {number}"
                continue
            assignment = re.match(_ASSIGNMENT, line)
            if assignment is None:
                continue
            written = _dotted(assignment[1])
            name = f"{current}.{written}" if current else written
            if name == full:
                return f"{self.path} line {number}"
            if near is None and full.startswith(name + "."):
                near = number
        return f"{self.path} line {near}" if near else str(self.path)

    def name(self) -> str:
        return "config"


class _EnvSource:
    def where(self, key: str, table: str = "") -> str:
        return f"environment variable {ENV.get(key, key)}"

    def name(self) -> str:
        return "environment"


class _FlagSource:
    def where(self, key: str, table: str = "") -> str:
        return "--" + key.replace("_", "-")

    def name(self) -> str:
        return "flag"


_Source = _FileSource | _EnvSource | _FlagSource


def _from_text(name: str, raw: str) -> Any:
    """An environment variable's text as the setting's type (checked afterwards)."""
    if name == "folders":
        return [part for part in raw.split(os.pathsep) if part]
    if name in ("mark_read_on_open", "sidebar"):
        lowered = raw.strip().lower()
        if lowered in ("1", "true", "yes", "on"):
            return True
        if lowered in ("0", "false", "no", "off"):
            return False
        return raw  # reported as not true or false
    return raw


def _shown(value: Any) -> str:
    """A value as TOML would write it, cut short."""
    text = json.dumps(value, ensure_ascii=False) if isinstance(value, bool | list) else repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


def _apply(
    settings: Settings, values: Mapping[str, Any], source: _Source, problems: list[str]
) -> Settings:
    changes: dict[str, Any] = {}
    origin = dict(settings.origin)
    for key, value in values.items():
        where = source.where(key)
        if key == "keys":
            if not isinstance(value, dict):
                problems.append(f'{where}: [keys] must be a table of action = "keys"; ignored')
                continue
            keys = dict(settings.keys)
            for action, keys_text in _flatten(value):
                at = source.where(action, "keys")
                if not isinstance(keys_text, str) or not keys_text.strip():
                    problems.append(
                        f'{at}: keys for \'{action}\' must be text like "n" or "j,down"; ignored'
                    )
                    continue
                binding = action if "." in action else f"main.{action}"
                keys[binding] = ",".join(k.strip() for k in keys_text.split(",") if k.strip())
            if keys != settings.keys:
                changes["keys"] = keys
                origin["keys"] = source.name()
            continue
        check = _CHECKS.get(key)
        if check is None:
            known = ", ".join([*_CHECKS, "keys"])
            problems.append(f"{where}: unknown setting '{key}' (known: {known}); ignored")
            continue
        ok, result, expected = check(value)
        if not ok:
            # What a weaker source set stays (else the default): say which it is.
            kept = getattr(settings, key)
            problems.append(
                f"{where}: '{key}' must be {expected}, not {_shown(value)}; "
                f"using {_shown(_plain(kept))}"
            )
            continue
        changes[key] = result
        origin[key] = source.name()
    if not changes:
        return settings
    return settings.replace(**changes, origin=origin)


def _plain(value: Any) -> Any:
    if isinstance(value, tuple):
        return [str(v) for v in value]
    return value


def _flatten(table: Mapping[str, Any], prefix: str = "") -> list[tuple[str, Any]]:
    out: list[tuple[str, Any]] = []
    for key, value in table.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            out.extend(_flatten(value, name + "."))
        else:
            out.append((name, value))
    return out


def _check_folders(value: Any) -> tuple[bool, Any, str]:
    expected = 'a list of folder paths, like ["~/articles"]'
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        return False, None, expected
    return True, tuple(Path(v).expanduser() for v in value), expected


def _check_bool(value: Any) -> tuple[bool, Any, str]:
    return isinstance(value, bool), value, "true or false"


def _check_sort(value: Any) -> tuple[bool, Any, str]:
    expected = "one of " + ", ".join(SORTS)
    return isinstance(value, str) and value in SORTS, value, expected


def _check_theme(value: Any) -> tuple[bool, Any, str]:
    ok = isinstance(value, str) and bool(re.fullmatch(r"[A-Za-z0-9_.-]{1,64}", value))
    return ok, value, 'a theme name like "nord"'


def _check_date_format(value: Any) -> tuple[bool, Any, str]:
    expected = 'a strftime format like "%b %d" (at most 20 characters)'
    if not isinstance(value, str) or not value or len(value) > 20 or "%" not in value:
        return False, None, expected
    from datetime import date

    try:
        shown = date(2024, 12, 31).strftime(value)
    except ValueError:
        return False, None, expected
    if any(ord(c) < 32 or 0x7F <= ord(c) < 0xA0 for c in shown):
        return False, None, expected
    return True, value, expected


def _check_browser(value: Any) -> tuple[bool, Any, str]:
    from aireader.core.browser import SETTING_EXAMPLE, BrowserCommandError, split_command

    expected = f"a command like {SETTING_EXAMPLE} (%s: the link)"
    if not isinstance(value, str):
        return False, None, expected
    if value.strip():
        try:
            split_command(value)
        except BrowserCommandError as exc:
            return False, None, f"{expected}; {exc}"
    return True, value.strip(), expected


_CHECKS = {
    "folders": _check_folders,
    "theme": _check_theme,
    "mark_read_on_open": _check_bool,
    "sort": _check_sort,
    "date_format": _check_date_format,
    "sidebar": _check_bool,
    "browser": _check_browser,
}


# -- what the app remembers between sessions (user data, not the config file) -----

REMEMBERED_FILE = "remembered.json"


def remembered_theme(data: Path, settings: Settings) -> str | None:
    """The theme last picked in the app, if it still applies.

    A pick outlives restarts, but not a change of the ``theme`` setting made
    since (the pick remembers the setting it overrode), nor a theme given by
    flag or environment variable, which always wins.
    """
    if settings.origin.get("theme") in ("flag", "environment"):
        return None
    try:
        saved = json.loads((data / REMEMBERED_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(saved, dict):
        return None
    theme, over = saved.get("theme"), saved.get("over")
    if isinstance(theme, str) and over == settings.theme:
        return theme
    return None


def remember_theme(data: Path, theme: str, settings: Settings) -> None:
    """Remember a theme picked in the app (written atomically; a failure is only
    a theme not remembered, so it raises OSError for the caller to report)."""
    from aireader.core.files import write_whole

    data.mkdir(parents=True, exist_ok=True)
    write_whole(data / REMEMBERED_FILE, json.dumps({"theme": theme, "over": settings.theme}))
