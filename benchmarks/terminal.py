"""Run a program in a pseudo-terminal and watch what it draws, from outside.

:class:`Screen` is a deliberately small terminal model: enough of VT100/xterm to
follow a full-screen app that positions its cursor before every run of text, as
Textual does (cursor moves, erases, the alternate screen, synchronized output).
Colours and other attributes are ignored; only the characters on each cell are
kept, so a test reads the screen as lines of text.

:class:`PtySession` forks a child on a new pty of a chosen size, reads and models
its output, and times how long after the fork a condition on the screen first
holds. It stops the child with SIGTERM, then SIGKILL, and can read its peak
resident memory (``VmHWM``) from ``/proc`` before it goes. ``VmHWM`` leaves out
worker processes the child may start, so while it waits the session also samples
the memory of the child and all its descendants (sum of PSS), every 0.1 s.
"""

from __future__ import annotations

import codecs
import contextlib
import errno
import fcntl
import os
import pty
import re
import select
import signal
import struct
import termios
import time
import unicodedata
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from types import TracebackType

ESC = "\x1b"

_ESCAPE = re.compile(
    r"""
    # CSI: parameters, intermediates, final byte
      \x1b\[ (?P<params>[\x30-\x3f]*) (?P<inter>[\x20-\x2f]*) (?P<final>[\x40-\x7e])
    # OSC, ended by BEL or ST
    | \x1b\] [^\x07\x1b]* (?:\x07|\x1b\\)
    # DCS, SOS, PM, APC, ended by ST
    | \x1b[P^_X] .*? \x1b\\
    # any other escape; not the openers above ([ ] P X ^ _), which may be incomplete
    | \x1b (?P<esc_inter>[\x20-\x2f]*) (?P<esc_final>[\x30-\x4f\x51-\x57\x59-\x5a\x5c\x60-\x7e])
    """,
    re.VERBOSE | re.DOTALL,
)
_TEXT = re.compile(r"[^\x00-\x1f\x7f\x1b]+")
_MAX_PENDING = 1 << 16
"""An unterminated escape sequence longer than this is junk: drop its ESC and go on."""


def _cell_width(char: str) -> int:
    """Cells a character takes: 0 for combining marks, 2 for wide East Asian ones."""
    if unicodedata.combining(char):
        return 0
    return 2 if unicodedata.east_asian_width(char) in ("W", "F") else 1


class Screen:
    """The characters on a terminal's screen, as the program's output left them."""

    def __init__(self, columns: int, lines: int) -> None:
        self.columns, self.lines = columns, lines
        self.rows: list[list[str]] = [[" "] * columns for _ in range(lines)]
        self.x = self.y = 0
        self._saved = (0, 0)
        self.synchronized = False
        """Inside a synchronized-output block (mode 2026): the frame is not shown yet."""
        self._decoder = codecs.getincrementaldecoder("utf-8")(errors="replace")
        self._pending = ""

    # -- reading ----------------------------------------------------------------

    def text_lines(self) -> list[str]:
        """Each line of the screen as text (a wide character's second cell is dropped)."""
        return ["".join(row) for row in self.rows]

    def text(self) -> str:
        return "\n".join(self.text_lines())

    def contains(self, needle: str) -> bool:
        """Whether ``needle`` is on one line of the screen."""
        return any(needle in line for line in self.text_lines())

    # -- writing ----------------------------------------------------------------

    def feed(self, data: bytes) -> None:
        """Apply a chunk of the program's output (may split sequences and characters)."""
        text = self._pending + self._decoder.decode(data)
        self._pending = ""
        pos, end = 0, len(text)
        while pos < end:
            char = text[pos]
            if char == ESC:
                match = _ESCAPE.match(text, pos)
                if match is None:
                    if end - pos < _MAX_PENDING:
                        self._pending = text[pos:]  # wait for the rest of the sequence
                        return
                    pos += 1  # junk: skip the ESC
                    continue
                self._escape(match)
                pos = match.end()
            elif char < " " or char == "\x7f":
                self._control(char)
                pos += 1
            else:
                match = _TEXT.match(text, pos)
                assert match is not None
                self._print(match.group())
                pos = match.end()

    def _clear(self, y: int, start: int, stop: int) -> None:
        row = self.rows[y]
        for x in range(max(0, start), min(self.columns, stop)):
            row[x] = " "

    def _print(self, text: str) -> None:
        for char in text:
            width = _cell_width(char)
            if width == 0:
                continue
            if self.x + width > self.columns:  # autowrap
                self.x = 0
                self.y = min(self.y + 1, self.lines - 1)
            row = self.rows[self.y]
            row[self.x] = char
            if width == 2 and self.x + 1 < self.columns:
                row[self.x + 1] = ""
            self.x += width

    def _control(self, char: str) -> None:
        if char == "\r":
            self.x = 0
        elif char in "\n\x0b\x0c":
            self.y = min(self.y + 1, self.lines - 1)
        elif char == "\b":
            self.x = max(0, self.x - 1)
        elif char == "\t":
            self.x = min(self.columns - 1, (self.x // 8 + 1) * 8)

    def _escape(self, match: re.Match[str]) -> None:
        final = match.group("final")
        if final is None:
            esc_final = match.group("esc_final")
            if esc_final == "7":
                self._saved = (self.x, self.y)
            elif esc_final == "8":
                self.x, self.y = self._saved
            elif esc_final == "c":
                self._erase_display(2)
                self.x = self.y = 0
            return
        raw = match.group("params")
        private = raw[:1] if raw[:1] in ("?", ">", "<", "=") else ""
        numbers = [_int(p) for p in raw[len(private) :].split(";")] if raw else []

        def arg(index: int, default: int) -> int:
            value = numbers[index] if index < len(numbers) else None
            return value or default

        if private == "?" and final in "hl" and not match.group("inter"):
            on = final == "h"
            for mode in numbers:
                if mode == 2026:
                    self.synchronized = on
                elif mode in (47, 1047, 1049):
                    self._erase_display(2)
            return
        if private or match.group("inter"):
            return  # queries and modes that do not change what is shown
        if final in "Hf":
            self.y = _clamp(arg(0, 1) - 1, self.lines)
            self.x = _clamp(arg(1, 1) - 1, self.columns)
        elif final == "A":
            self.y = _clamp(self.y - arg(0, 1), self.lines)
        elif final in "Be":
            self.y = _clamp(self.y + arg(0, 1), self.lines)
        elif final in "Ca":
            self.x = _clamp(self.x + arg(0, 1), self.columns)
        elif final == "D":
            self.x = _clamp(self.x - arg(0, 1), self.columns)
        elif final in "G`":
            self.x = _clamp(arg(0, 1) - 1, self.columns)
        elif final == "d":
            self.y = _clamp(arg(0, 1) - 1, self.lines)
        elif final == "J":
            self._erase_display(numbers[0] if numbers else 0)
        elif final == "K":
            mode = numbers[0] if numbers else 0
            start, stop = {0: (self.x, self.columns), 1: (0, self.x + 1)}.get(
                mode, (0, self.columns)
            )
            self._clear(self.y, start, stop)
        elif final == "X":
            self._clear(self.y, self.x, self.x + arg(0, 1))
        elif final == "s":
            self._saved = (self.x, self.y)
        elif final == "u":
            self.x, self.y = self._saved

    def _erase_display(self, mode: int) -> None:
        if mode == 0:
            self._clear(self.y, self.x, self.columns)
            for y in range(self.y + 1, self.lines):
                self._clear(y, 0, self.columns)
        elif mode == 1:
            for y in range(self.y):
                self._clear(y, 0, self.columns)
            self._clear(self.y, 0, self.x + 1)
        else:
            for y in range(self.lines):
                self._clear(y, 0, self.columns)


def _status_kb(pid: int, field: str) -> int | None:
    """A ``kB`` field of ``/proc/PID/status`` (``VmRSS``, ``VmHWM``); None if gone."""
    try:
        with open(f"/proc/{pid}/status", encoding="ascii") as status:
            for line in status:
                if line.startswith(field + ":"):
                    return int(line.split()[1])
    except (OSError, ValueError, IndexError):
        return None
    return None


def descendants(pid: int) -> list[int]:
    """``pid``'s children, their children, and so on (Linux ``/proc``)."""
    found: list[int] = []
    stack = [pid]
    while stack:
        parent = stack.pop()
        try:
            tasks = os.listdir(f"/proc/{parent}/task")
        except OSError:
            continue
        for task in tasks:
            try:
                with open(f"/proc/{parent}/task/{task}/children", encoding="ascii") as file:
                    children = [int(c) for c in file.read().split()]
            except (OSError, ValueError):
                continue
            found.extend(children)
            stack.extend(children)
    return found


def _pss_kb(pid: int) -> int | None:
    """``pid``'s proportional set size: its resident memory, shared pages split among sharers."""
    try:
        with open(f"/proc/{pid}/smaps_rollup", encoding="ascii") as rollup:
            for line in rollup:
                if line.startswith("Pss:"):
                    return int(line.split()[1])
    except (OSError, ValueError, IndexError):
        return None
    return None


def tree_pss_mb(pid: int) -> float:
    """What ``pid`` and its descendants hold in memory right now, in MiB.

    The sum of their PSS, so pages that forked workers share are counted once
    (VmRSS where PSS cannot be read).
    """
    total = 0
    for p in [pid, *descendants(pid)]:
        kb = _pss_kb(p)
        total += kb if kb is not None else _status_kb(p, "VmRSS") or 0
    return total / 1024


def _int(text: str) -> int:
    head = text.split(":", 1)[0]
    return int(head) if head.isdigit() else 0


def _clamp(value: int, size: int) -> int:
    return max(0, min(value, size - 1))


# -- the pseudo-terminal ----------------------------------------------------------


class SessionError(RuntimeError):
    """The child went away, or a condition did not hold in time.

    ``seen`` has the conditions that did hold before that, as :meth:`PtySession.watch`
    returns them.
    """

    def __init__(self, message: str, seen: Mapping[str, float] | None = None) -> None:
        super().__init__(message)
        self.seen = dict(seen or {})


@dataclass(frozen=True, slots=True)
class Seen:
    """When a condition on the screen first held, in seconds after the fork."""

    seconds: float
    screen: str


class PtySession:
    """One child process on its own pseudo-terminal, its screen modelled as it draws.

    Use as a context manager: the child is always stopped on the way out.
    """

    def __init__(
        self,
        argv: Sequence[str],
        *,
        env: Mapping[str, str],
        size: tuple[int, int] = (120, 40),
        cwd: str | None = None,
    ) -> None:
        self.argv = list(argv)
        self.env = dict(env)
        self.columns, self.lines = size
        self.cwd = cwd
        self.screen = Screen(self.columns, self.lines)
        self.pid = 0
        self.fd = -1
        self.started = 0.0
        self.exit_status: int | None = None
        self.eof = False
        self.peak_tree_mb = 0.0
        """The most the child and its descendants held at once, as sampled while waiting."""
        self._next_sample = 0.0

    def __enter__(self) -> PtySession:
        self.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    def start(self) -> None:
        """Fork the child on a new pty; the clock starts just before the fork."""
        winsize = struct.pack("HHHH", self.lines, self.columns, 0, 0)
        argv, env, cwd = self.argv, self.env, self.cwd
        self.started = time.perf_counter()
        pid, fd = pty.fork()
        if pid == 0:  # the child: size its terminal, then become the program
            try:
                fcntl.ioctl(0, termios.TIOCSWINSZ, winsize)
                if cwd:
                    os.chdir(cwd)
                os.execvpe(argv[0], argv, env)
            finally:
                os._exit(127)
        self.pid, self.fd = pid, fd

    # -- output -------------------------------------------------------------------

    def pump(self, timeout: float) -> bool:
        """Read what the child wrote within ``timeout`` seconds; False once it is gone."""
        if self.eof:
            return False
        ready, _, _ = select.select([self.fd], [], [], max(0.0, timeout))
        if not ready:
            self._reap()
            return self.exit_status is None
        try:
            data = os.read(self.fd, 1 << 16)
        except OSError as exc:
            if exc.errno != errno.EIO:
                raise
            data = b""
        if not data:
            self.eof = True
            self._reap()
            return False
        self.screen.feed(data)
        return True

    def wait_for(self, condition: Callable[[Screen], bool], timeout: float, what: str) -> Seen:
        """Read until ``condition(screen)`` holds on a shown frame; when it did, after the fork.

        Raises :class:`SessionError` if the child exits or ``timeout`` passes first.
        """
        seen = self.watch({what: condition}, until=what, timeout=timeout)
        return Seen(seen[what], self.screen.text())

    def watch(
        self,
        conditions: Mapping[str, Callable[[Screen], bool]],
        *,
        until: str,
        timeout: float,
    ) -> dict[str, float]:
        """Read until condition ``until`` holds; when each condition first held.

        Conditions are checked on shown frames only (not inside a synchronized
        update), each until it first holds; times are seconds after the fork.
        Raises :class:`SessionError` (with what was seen) if the child exits or
        ``timeout`` passes before ``until`` holds.
        """
        deadline = self.started + timeout
        seen: dict[str, float] = {}
        while True:
            self._sample()
            if not self.screen.synchronized:
                now = time.perf_counter() - self.started
                for name, condition in conditions.items():
                    if name not in seen and condition(self.screen):
                        seen[name] = now
                if until in seen:
                    return seen
            left = deadline - time.perf_counter()
            if left <= 0:
                raise SessionError(f"timeout after {timeout:.0f} s waiting for {until}", seen)
            if not self.pump(min(left, 0.5)) and self.eof:
                raise SessionError(
                    f"the program ended (status {self.exit_status}) before {until}", seen
                )

    def send(self, data: bytes) -> None:
        os.write(self.fd, data)

    def settle(self, seconds: float) -> None:
        """Keep reading (and modelling the screen) for ``seconds``, whatever comes."""
        deadline = time.perf_counter() + seconds
        while (left := deadline - time.perf_counter()) > 0 and self.pump(left):
            pass

    # -- the process ----------------------------------------------------------------

    def _reap(self) -> None:
        if self.exit_status is not None or not self.pid:
            return
        try:
            pid, status = os.waitpid(self.pid, os.WNOHANG)
        except ChildProcessError:
            self.exit_status = -1
            return
        if pid:
            self.exit_status = os.waitstatus_to_exitcode(status)

    def _sample(self, every: float = 0.1) -> None:
        now = time.perf_counter()
        if now >= self._next_sample and self.exit_status is None:
            self._next_sample = now + every
            self.peak_tree_mb = max(self.peak_tree_mb, tree_pss_mb(self.pid))

    def peak_rss_mb(self) -> float | None:
        """The child's own peak resident memory (``VmHWM``), in MiB; None if unknown."""
        kb = _status_kb(self.pid, "VmHWM")
        return None if kb is None else kb / 1024

    def wait_exit(self, timeout: float) -> bool:
        """Drain output until the child exits; whether it did within ``timeout``."""
        deadline = time.perf_counter() + timeout
        while self.exit_status is None and time.perf_counter() < deadline:
            if not self.pump(min(0.1, max(0.0, deadline - time.perf_counter()))):
                self._reap()
                if self.exit_status is None:
                    time.sleep(0.01)
        return self.exit_status is not None

    def stop(self, grace: float = 2.0) -> None:
        """End the child: SIGTERM, then SIGKILL if it is still there after ``grace`` s."""
        if self.pid:
            self._reap()
            for sig, wait in ((signal.SIGTERM, grace), (signal.SIGKILL, 5.0)):
                if self.exit_status is not None:
                    break
                try:
                    os.kill(self.pid, sig)
                except ProcessLookupError:
                    break
                self.wait_exit(wait)
            if self.exit_status is None:
                with contextlib.suppress(ChildProcessError):
                    os.waitpid(self.pid, 0)
        if self.fd >= 0:
            os.close(self.fd)
            self.fd = -1
