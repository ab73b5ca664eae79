"""The aireader App: wiring, not logic."""

from __future__ import annotations

import itertools
import shutil
import subprocess
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import ClassVar

from textual import work
from textual.app import App, SuspendNotSupported, UnknownModeError
from textual.binding import Binding
from textual.theme import Theme
from textual.worker import get_current_worker

from aireader.core import browser
from aireader.core.config import DEFAULT_THEME, Settings, remember_theme, remembered_theme
from aireader.core.store import Store
from aireader.core.text import neutralise_line
from aireader.ui.commands import ReaderCommands
from aireader.ui.screens.main import MainScreen
from aireader.ui.writer import StateWriter


def action_names() -> dict[str, Binding]:
    """Every remappable action: its binding id (``main.next_unread``) and binding."""
    from aireader.ui.widgets.article_list import ArticleList
    from aireader.ui.widgets.reader import Reader
    from aireader.ui.widgets.tag_sidebar import TagSidebar

    out: dict[str, Binding] = {}
    for owner in (MainScreen, ArticleList, Reader, TagSidebar):
        for binding in owner.BINDINGS:
            if isinstance(binding, Binding) and binding.id:
                out[binding.id] = binding
    return out


def library_names(folders: Sequence[Path]) -> list[str]:
    """Short names for the sidebar: the folder's name, with its parent when two clash."""
    from aireader.paths import bundled_library

    names = [f.name or str(f) for f in folders]
    for n, folder in enumerate(folders):
        if names.count(names[n]) > 1:
            names[n] = f"{folder.parent.name}/{folder.name}"
        if folder == bundled_library():
            names[n] = "sample library"
    return names


def config_name(binding_id: str) -> str:
    """The action's name in the config file: ``next_unread``, ``list.down``."""
    return binding_id.removeprefix("main.")


BROWSER_WAIT = 3.0
"""How long a browser started in the background is watched: one that ends with an
error within this time (xdg-open finding no browser) is reported."""


def _same(a: Path, b: Path) -> bool:
    try:
        return a.samefile(b)
    except OSError:
        return a == b


class ReaderApp(App[None]):
    """Three panes over one folder of articles."""

    CSS_PATH: ClassVar[str] = "app.tcss"
    TITLE = "aireader"
    COMMANDS = App.COMMANDS | {ReaderCommands}

    def __init__(
        self,
        folder: Path,
        store: Store,
        settings: Settings | None = None,
        problems: Sequence[str] = (),
        open_path: Path | None = None,
    ) -> None:
        super().__init__()
        self.folder = folder
        self.open_path = open_path
        """An article file of ``folder`` to open once the library is in (``aireader FILE.md``)."""
        self.store = store
        self.settings = settings or Settings()
        self.libraries = [folder]
        """Every library folder the sidebar offers: this one, then the configured ones."""
        for other in self.settings.folders:
            if other.is_dir() and not any(_same(other, known) for known in self.libraries):
                self.libraries.append(other)
        self.library_counts: dict[Path, tuple[int, int]] = {}
        """Articles and unread articles of each library, as last counted."""
        self.problems = list(problems)
        """Settings that could not be used, each a line for the user (shown on mount)."""
        self.writer = StateWriter(self._write_failed)
        self._modes_made = itertools.count(1)
        self.keymap_in_force: dict[str, str] = self._checked_keymap(self.settings.keys)
        self.set_keymap(self.keymap_in_force)
        self._apply_theme()

    def _checked_keymap(self, keys: dict[str, str]) -> dict[str, str]:
        known = action_names()
        keymap: dict[str, str] = {}
        for binding_id, key_text in keys.items():
            if binding_id in known:
                keymap[binding_id] = key_text
            else:
                names = ", ".join(sorted(config_name(b) for b in known))
                self.problems.append(
                    f"[keys]: no action is called '{config_name(binding_id)}' "
                    f"(the help screen, ?, lists them: {names}); ignored"
                )
        return keymap

    def _apply_theme(self) -> None:
        settings = self.settings
        wanted = settings.theme
        data = self.store.path.parent if self.store.path is not None else None
        if data is not None:
            wanted = remembered_theme(data, settings) or wanted
        if wanted not in self.available_themes:
            known = ", ".join(sorted(self.available_themes))
            self.problems.append(
                f"theme '{wanted}' is not a theme here (themes: {known}); using {DEFAULT_THEME}"
            )
            wanted = DEFAULT_THEME
        if wanted != self.theme:  # setting it refreshes every style: not for nothing
            self.theme = wanted

    def get_css_variables(self) -> dict[str, str]:
        """The theme's variables, its text colours made legible (see ``ui/palette``)."""
        from aireader.ui.palette import legible_variables

        variables = legible_variables(super().get_css_variables())
        self.theme_variables = variables
        return variables

    def _main_screen_of(
        self, folder: Path, open_path: Path | None = None
    ) -> Callable[[], MainScreen]:
        return lambda: MainScreen(folder, self.store, self.writer, self.settings, open_path)

    def get_default_screen(self) -> MainScreen:
        """The first library's main screen is the base of the stack. (Pushed over
        Textual's empty default screen, both would be styled and laid out before the
        first frame, and a mode of its own would restyle it once more.)"""
        return self._main_screen_of(self.folder, self.open_path)()

    def on_mount(self) -> None:
        if self.store.notice:
            self.notify(self.store.notice, severity="warning", timeout=10)
        for problem in self.problems:
            self.notify(problem, title="Settings", severity="warning", timeout=12)
        self.theme_changed_signal.subscribe(self, self._theme_changed)

    def _theme_changed(self, theme: Theme) -> None:
        """A theme picked in the app (the palette's "Change theme") is kept for next time."""
        if self.store.path is None:
            return
        try:
            remember_theme(self.store.path.parent, theme.name, self.settings)
        except OSError as exc:
            self.notify(f"The theme will not be remembered: {exc}", severity="warning")

    def open_library(self, folder: Path) -> None:
        """Show another of the libraries (the one shown now stops following its folder)."""
        if folder == self.folder:
            return
        self.folder = folder
        # Each other library opens in a mode of its own, the one shown is removed
        # (its screens unmounted: it stops following its folder). Textual's default
        # mode, the first library's, cannot be removed: its screen only lets go.
        shown, screen = self.current_mode, self.screen
        mode = f"library-{next(self._modes_made)}"
        self.add_mode(mode, self._main_screen_of(folder))
        self.switch_mode(mode)
        try:
            self.remove_mode(shown)
        except UnknownModeError:
            if isinstance(screen, MainScreen):
                screen.let_go()

    def on_app_focus(self) -> None:
        """Back in the terminal: show what another copy of aireader may have changed."""
        for screen in self.screen_stack:
            if isinstance(screen, MainScreen):
                screen.reload_states()

    # -- opening links ---------------------------------------------------------------

    def open_url(self, url: str, *, new_tab: bool = True) -> None:
        """Open ``url`` with the browser the settings name (:mod:`aireader.core.browser`),
        saying so; if no browser could be started, saying that clearly instead."""
        shown = neutralise_line(url)[:100]
        try:
            launch = browser.launch_for(url, self.settings.browser)
        except browser.BrowserCommandError as exc:
            self._link_failed(shown, f"the browser setting cannot be used: {exc}")
            return
        if launch is None:
            self._open_with_webbrowser(url, shown)
        elif launch.terminal:
            self._open_in_terminal(launch, shown)
        else:
            self._open_in_background(launch, shown)

    def _link_failed(self, shown: str, why: str) -> None:
        self.notify(
            f"Could not open {shown}: {why}. Set browser in the config file, or "
            "AIREADER_BROWSER, to the command to use (y copies the link).",
            title="No browser",
            severity="error",
            timeout=12,
            markup=False,
        )

    def _open_in_terminal(self, launch: browser.Launch, shown: str) -> None:
        """A terminal browser gets the terminal; the reader comes back when it ends."""
        program = neutralise_line(launch.argv[0])
        if shutil.which(launch.argv[0]) is None:  # before the screen goes
            self._link_failed(shown, f"{program} ({launch.origin}) is not a program here")
            return
        failure: OSError | None = None
        try:
            with self.suspend():  # (it does not come back by itself from an exception)
                try:
                    code = subprocess.run(launch.argv, check=False).returncode
                except OSError as exc:
                    failure = exc
        except SuspendNotSupported:
            self._open_in_background(launch, shown)
            return
        if failure is not None:
            why = failure.strerror or str(failure)
            self._link_failed(shown, f"{program} ({launch.origin}) did not start: {why}")
        elif code != 0:
            self._link_failed(shown, f"{program} ({launch.origin}) ended with status {code}")

    @work(thread=True, group="browser")
    def _open_in_background(self, launch: browser.Launch, shown: str) -> None:
        """A graphical browser starts on its own, its output thrown away (it must not
        write over the screen); one that ends with an error at once is reported."""
        program = neutralise_line(launch.argv[0])
        try:
            process = subprocess.Popen(
                launch.argv,
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                start_new_session=True,
            )
        except OSError as exc:
            why = f"{program} ({launch.origin}) did not start: {exc.strerror or exc}"
            self.call_from_thread(self._link_failed, shown, why)
            return
        self.call_from_thread(self.notify, f"Opening {shown}", timeout=3, markup=False)
        worker = get_current_worker()
        for _ in range(int(BROWSER_WAIT / 0.1)):
            try:
                code = process.wait(timeout=0.1)
            except subprocess.TimeoutExpired:
                if worker.is_cancelled:
                    return
                continue
            if code != 0:
                why = f"{program} ({launch.origin}) ended with status {code}"
                self.call_from_thread(self._link_failed, shown, why)
            return

    @work(thread=True, group="browser")
    def _open_with_webbrowser(self, url: str, shown: str) -> None:
        """Where no command is known (Windows, or nothing found), Python's webbrowser."""
        import webbrowser

        if webbrowser.open(url):
            self.call_from_thread(self.notify, f"Opening {shown}", timeout=3, markup=False)
        else:
            self.call_from_thread(self._link_failed, shown, "no browser was found")

    def _write_failed(self, message: str) -> None:
        if self.is_running:
            self.call_from_thread(self.notify, message, severity="error", timeout=10)
