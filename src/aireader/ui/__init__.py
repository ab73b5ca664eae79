"""The Textual user interface: a thin layer over :mod:`aireader.core`.

A lone Escape is told from the start of an escape sequence (an arrow key, a
mouse event) by waiting for what follows: Textual waits ``ESCDELAY``
milliseconds, 100 by default, and Escape is one of the keys pressed most here.
A terminal sends a sequence's bytes together, so 25 ms tells them apart as
surely; a user on a slow link can still set ``ESCDELAY`` (as for ncurses).
"""

import os

os.environ.setdefault("ESCDELAY", "25")
