"""Which program opens a link, with which arguments: a command, never a shell.

The ``browser`` setting (``browser = "..."`` in the config file, ``AIREADER_BROWSER``,
``--browser``) is a command written as a shell would split it, following the
``$BROWSER`` conventions: each ``%s`` becomes the link and ``%%`` a percent sign;
with no ``%s``, the link is the last argument::

    browser = "w3m %s"                     # in the terminal: the reader waits
    browser = "firefox --new-tab %s &"     # in the background: the reader goes on

It is run directly, never through a shell, so nothing in a link can become a
command; the link is always one argument of its own. A command that ends with a
lone ``&`` runs in the background, its output thrown away (a graphical browser);
any other is given the terminal, the reader stepping aside until it ends (a
terminal browser, like ``w3m`` or ``lynx``, needs the terminal).

With no setting: the first command of ``$BROWSER`` that is installed (entries
separated by ``:``, run as the setting is), else ``open`` on macOS, else
``xdg-open`` in a graphical session, else a terminal browser on the PATH; on
Windows, and when none of these is there, Python's :mod:`webbrowser` decides.

Pure: it only works out the command; the UI runs it and reports the outcome.
"""

from __future__ import annotations

import os
import shlex
import shutil
import sys
from collections.abc import Callable, Mapping

from aireader.core.record import Record

SETTING_EXAMPLE = '"firefox --new-tab %s &"'
TERMINAL_BROWSERS = ("www-browser", "w3m", "lynx", "elinks", "links")
"""Terminal browsers tried, in this order, when nothing else names one."""


class BrowserCommandError(ValueError):
    """A browser command that cannot be used; the message says why, for a person."""


class Launch(Record):
    """How to open one link: the program and its arguments, and how to run it."""

    __slots__ = ("argv", "origin", "terminal")
    argv: tuple[str, ...]
    terminal: bool
    """Give it the terminal and wait for it (else: run it in the background)."""
    origin: str
    """Where the command comes from, for messages: ``the browser setting``, ``$BROWSER``..."""

    def __init__(self, argv: tuple[str, ...], terminal: bool, origin: str) -> None:
        set_ = object.__setattr__
        set_(self, "argv", argv)
        set_(self, "terminal", terminal)
        set_(self, "origin", origin)


def split_command(text: str) -> tuple[list[str], bool]:
    """A browser command's words, and whether it runs in the background (a last
    word ``&``). Raises :class:`BrowserCommandError` saying what is wrong."""
    if any(ord(c) < 32 or ord(c) == 0x7F for c in text):
        raise BrowserCommandError("it has a control character")
    try:
        words = shlex.split(text)
    except ValueError as exc:  # "No closing quotation"
        raise BrowserCommandError(f"it cannot be split into words ({str(exc).lower()})") from None
    background = bool(words) and words[-1] == "&"
    if background:
        words.pop()
    if not words:
        raise BrowserCommandError("it names no program")
    return words, background


def arguments(words: list[str], url: str) -> tuple[str, ...]:
    """The command's words with the link in: each ``%s`` replaced by it (``%%`` by
    ``%``), or added as the last argument when there is no ``%s``."""
    placed = False
    out: list[str] = []
    for word in words:
        pieces: list[str] = []
        i = 0
        while i < len(word):
            pair = word[i : i + 2]
            if pair == "%s":
                pieces.append(url)
                placed = True
                i += 2
            elif pair == "%%":
                pieces.append("%")
                i += 2
            else:
                pieces.append(word[i])
                i += 1
        out.append("".join(pieces))
    return tuple(out) if placed else (*out, url)


def launch_for(
    url: str,
    setting: str,
    environ: Mapping[str, str] | None = None,
    *,
    which: Callable[[str], str | None] = shutil.which,
    platform: str = sys.platform,
) -> Launch | None:
    """How to open ``url``: by the ``browser`` setting, else as the module docstring
    says; None when Python's :mod:`webbrowser` is to decide.

    Raises :class:`BrowserCommandError` for a setting that cannot be used.
    """
    environ = os.environ if environ is None else environ
    if setting.strip():
        words, background = split_command(setting)
        return Launch(arguments(words, url), not background, "the browser setting")
    for entry in environ.get("BROWSER", "").split(os.pathsep):
        if not entry.strip():
            continue
        try:
            words, background = split_command(entry)
        except BrowserCommandError:
            continue
        if which(words[0]):
            return Launch(arguments(words, url), not background, "$BROWSER")
    if platform == "darwin":
        return Launch(("open", url), False, "open")
    if platform.startswith(("win", "cygwin")):
        return None
    graphical = environ.get("DISPLAY") or environ.get("WAYLAND_DISPLAY")
    if graphical and which("xdg-open"):
        return Launch(("xdg-open", url), False, "xdg-open")
    for name in TERMINAL_BROWSERS:
        if which(name):
            return Launch((name, url), True, name)
    return None
