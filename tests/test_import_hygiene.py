"""The core is headless: importing it must not load Textual (or anything UI)."""

from __future__ import annotations

import json
import subprocess
import sys

CORE_MODULES = [
    "aireader.core.article",
    "aireader.core.dates",
    "aireader.core.library",
    "aireader.core.parse",
    "aireader.core.store",
    "aireader.core.text",
    "aireader.core.views",
    "aireader.paths",
]


def test_core_never_imports_textual() -> None:
    code = (
        "import importlib, json, sys\n"
        f"for name in {CORE_MODULES!r}: importlib.import_module(name)\n"
        "print(json.dumps(sorted(m for m in sys.modules if m.split('.')[0] in "
        "('textual', 'aireader'))))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    loaded = json.loads(out)
    assert not [m for m in loaded if m.startswith("textual")], loaded
    assert not [m for m in loaded if m.startswith("aireader.ui")], loaded
    assert "aireader.core.store" in loaded


def test_command_line_listing_does_not_load_textual() -> None:
    """`aireader list` stays quick to start: the TUI toolkit is loaded only for the TUI."""
    code = (
        "import sys, json, io, contextlib\n"
        "from aireader.cli import main\n"
        "with contextlib.redirect_stdout(io.StringIO()): main(['list'])\n"
        "print(json.dumps([m for m in sys.modules if m.startswith('textual')]))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert json.loads(out.strip().splitlines()[-1]) == []
