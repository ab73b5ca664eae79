"""The real ``aireader`` in a pseudo-terminal, read back as a person sees it.

:class:`Term` starts the app (``python -m aireader …`` from this source tree) on a
pty of a given size and feeds every byte it writes to a ``pyte`` terminal
emulator, so a test can read the screen as text, look at the colours of any
cell, press keys and click with real SGR mouse sequences. Every wait has a
deadline; none sleeps a fixed time (``settle`` waits for the output to stop).

    with Term.run(folder, tmp_path, size=(80, 24)) as term:
        term.wait_for("Alpha")
        term.press("enter")
        term.click(*term.find("Beta"))
        assert "Beta body" in term.text()
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import pty
import select
import signal
import struct
import sys
import termios
import time
from collections.abc import Iterator, Sequence
from pathlib import Path

import pyte

import aireader

SRC = str(Path(aireader.__file__).resolve().parents[1])

KEYS = {
    "enter": "\r",
    "tab": "\t",
    "shift+tab": "\x1b[Z",
    "escape": "\x1b",
    "space": " ",
    "up": "\x1b[A",
    "down": "\x1b[B",
    "right": "\x1b[C",
    "left": "\x1b[D",
    "home": "\x1b[H",
    "end": "\x1b[F",
    "pageup": "\x1b[5~",
    "pagedown": "\x1b[6~",
    "backspace": "\x7f",
    "ctrl+p": "\x10",
}
"""What a terminal sends for the keys a test names (anything else is sent as typed)."""


def app_env(tmp_path: Path, **extra: str) -> dict[str, str]:
    """The app's environment: this source, throw-away data, cache and config,
    a true-colour terminal, no ``NO_COLOR`` unless ``extra`` sets it."""
    env = {k: v for k, v in os.environ.items() if k != "NO_COLOR" and not k.startswith("AIREADER_")}
    env.update(
        TERM="xterm-256color",
        COLORTERM="truecolor",
        PYTHONPATH=SRC,
        AIREADER_DATA_DIR=str(tmp_path / "data"),
        AIREADER_CACHE_DIR=str(tmp_path / "cache"),
        AIREADER_CONFIG=str(tmp_path / "no-config.toml"),
    )
    env.update(extra)
    return env


class Term:
    """One program on a pty of ``size`` (columns, rows), its screen emulated."""

    def __init__(self, argv: Sequence[str], env: dict[str, str], size: tuple[int, int]) -> None:
        self.width, self.height = size
        self.screen = pyte.Screen(self.width, self.height)
        self.stream = pyte.ByteStream(self.screen)
        self.raw = bytearray()
        self.status: int | None = None
        self.pid, self.fd = pty.fork()
        if self.pid == 0:  # the child
            try:
                winsize = struct.pack("HHHH", self.height, self.width, 0, 0)
                fcntl.ioctl(0, termios.TIOCSWINSZ, winsize)
                os.execvpe(argv[0], list(argv), env)
            finally:
                os._exit(127)

    @classmethod
    @contextlib.contextmanager
    def run(
        cls,
        *args: str | Path,
        tmp_path: Path,
        size: tuple[int, int] = (80, 24),
        env: dict[str, str] | None = None,
    ) -> Iterator[Term]:
        """``aireader ARGS…`` on a pty; killed at the end if it is still running."""
        argv = [sys.executable, "-m", "aireader", *map(str, args)]
        term = cls(argv, env if env is not None else app_env(tmp_path), size)
        try:
            yield term
        finally:
            term.close()

    # -- reading the output ----------------------------------------------------------

    def pump(self, timeout: float) -> bool:
        """Take what the program wrote within ``timeout`` seconds; False if nothing."""
        if self.status is not None:
            return False
        ready, _, _ = select.select([self.fd], [], [], timeout)
        if not ready:
            self._reap(block=False)
            return False
        try:
            data = os.read(self.fd, 1 << 16)
        except OSError:
            data = b""
        if not data:
            self._reap(block=True)
            return False
        self.raw.extend(data)
        self.stream.feed(data)
        return True

    def settle(self, quiet: float = 0.4, timeout: float = 10.0) -> str:
        """Read until the program has written nothing for ``quiet`` seconds (at most
        ``timeout``); returns the screen."""
        deadline = time.monotonic() + timeout
        last = time.monotonic()
        while time.monotonic() < deadline and self.status is None:
            if self.pump(0.05):
                last = time.monotonic()
            elif time.monotonic() - last >= quiet:
                break
        return self.text()

    def wait_for(self, needle: str, timeout: float = 30.0) -> str:
        """Read until ``needle`` is on screen; returns the screen."""
        deadline = time.monotonic() + timeout
        while needle not in self.text():
            if time.monotonic() > deadline or self.status is not None:
                raise AssertionError(
                    f"never saw {needle!r} (status {self.status}); the screen:\n{self.text()}"
                )
            self.pump(0.1)
        return self.text()

    def wait_until_exit(self, timeout: float = 15.0) -> int:
        deadline = time.monotonic() + timeout
        while self.status is None and time.monotonic() < deadline:
            self.pump(0.1)
        assert self.status is not None, f"still running; the screen:\n{self.text()}"
        return self.status

    # -- what is on screen -------------------------------------------------------------

    def lines(self) -> list[str]:
        """The screen's lines, a character a cell (the second cell of a wide one is
        left out). pyte's own ``display`` fails on an empty cell after some wide
        characters."""
        buffer, columns = self.screen.buffer, self.screen.columns
        return ["".join(buffer[y][x].data for x in range(columns)) for y in range(self.height)]

    def text(self) -> str:
        return "\n".join(line.rstrip() for line in self.lines())

    def find(self, needle: str) -> tuple[int, int]:
        """Where ``needle`` starts on screen: (column, row), from 0."""
        for y, line in enumerate(self.lines()):
            x = line.find(needle)
            if x >= 0:
                return x, y
        raise AssertionError(f"{needle!r} is not on screen:\n{self.text()}")

    def box(self, title: str) -> tuple[int, int, int, int]:
        """The pane whose top border carries ``title`` (round, or heavy when it has
        the focus): (left, top, right, bottom), inclusive."""
        for corner, edge in (("╭─ ", "╮"), ("┏━ ", "┓")):
            for y, line in enumerate(self.lines()):
                x = line.find(corner + title)
                if x >= 0:
                    right = line.index(edge, x)
                    bottoms = "╰┗"
                    lines = self.lines()
                    bottom = next(r for r in range(y + 1, len(lines)) if lines[r][x] in bottoms)
                    return x, y, right, bottom
        raise AssertionError(f"no pane titled {title!r} on screen:\n{self.text()}")

    def inside(self, title: str) -> list[str]:
        """The rows inside the pane titled ``title``, without its borders."""
        left, top, right, bottom = self.box(title)
        return [line[left + 1 : right] for line in self.lines()[top + 1 : bottom]]

    def cell(self, x: int, y: int) -> pyte.screens.Char:
        return self.screen.buffer[y][x]

    # -- input ---------------------------------------------------------------------------

    def send(self, data: str | bytes) -> None:
        os.write(self.fd, data.encode() if isinstance(data, str) else data)

    def press(self, *keys: str, quiet: float = 0.4) -> str:
        """Press each key (a name in :data:`KEYS`, or the characters to type), then
        wait for the screen to settle; returns it."""
        for key in keys:
            self.send(KEYS.get(key, key))
            self.settle(quiet=0.1, timeout=2)
        return self.settle(quiet=quiet)

    def click(self, x: int, y: int, button: int = 0, quiet: float = 0.4) -> str:
        """A mouse click at column ``x``, row ``y`` (from 0), as an xterm sends it
        in SGR mode: press, then release."""
        self.send(f"\x1b[<{button};{x + 1};{y + 1}M\x1b[<{button};{x + 1};{y + 1}m")
        return self.settle(quiet=quiet)

    def scroll(self, x: int, y: int, down: bool = True, quiet: float = 0.4) -> str:
        self.send(f"\x1b[<{65 if down else 64};{x + 1};{y + 1}M")
        return self.settle(quiet=quiet)

    # -- the process ----------------------------------------------------------------------

    def _reap(self, *, block: bool) -> None:
        pid, status = os.waitpid(self.pid, 0 if block else os.WNOHANG)
        if pid:
            self.status = os.waitstatus_to_exitcode(status)

    def close(self) -> None:
        if self.status is None:
            with contextlib.suppress(ProcessLookupError):
                os.kill(self.pid, signal.SIGKILL)
            self._reap(block=True)
        with contextlib.suppress(OSError):
            os.close(self.fd)
