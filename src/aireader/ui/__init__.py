"""The Textual user interface: a thin layer over :mod:`aireader.core`.

A lone Escape is told from the start of an escape sequence (an arrow key, a
mouse event) by waiting for what follows: Textual waits ``ESCDELAY``
milliseconds, 100 by default, and Escape is one of the keys pressed most here.
A terminal sends a sequence's bytes together, so 25 ms tells them apart as
surely; a user on a slow link can still set ``ESCDELAY`` (as for ncurses).
(Textual's input thread looks at the clock every 100 ms while no byte comes, so
an Escape still takes up to that long; with the default 100 ms wait it could
miss that look and take 200.)
"""

import os

os.environ.setdefault("ESCDELAY", "25")
