"""Settings from the config file, the environment and flags (core/config.py), in-process."""

from __future__ import annotations

import json
import os
import tomllib
from pathlib import Path

import pytest

from aireader.core import config
from aireader.core.config import DEFAULT_CONFIG, Settings, load, remember_theme, remembered_theme

README = Path(__file__).resolve().parents[1] / "README.md"


@pytest.fixture
def config_file(tmp_path: Path) -> Path:
    return tmp_path / "config.toml"


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def only(problems: list[str]) -> str:
    assert len(problems) == 1, problems
    (problem,) = problems
    assert "\n" not in problem
    return problem


# ---------------------------------------------------------------------------
# The file, the defaults


def test_no_file_is_the_defaults_and_no_problem(config_file: Path) -> None:
    settings, problems = load(config_file, {}, {})
    assert settings == Settings()
    assert problems == []
    assert settings.origin == {}


def test_the_default_config_is_valid_toml_and_changes_nothing(config_file: Path) -> None:
    assert config.write_default(config_file) is True
    assert config_file.read_text(encoding="utf-8") == DEFAULT_CONFIG
    tomllib.loads(DEFAULT_CONFIG)
    settings, problems = load(config_file, {}, {})
    assert problems == []
    assert (settings.folders, settings.theme, settings.sort, settings.keys) == (
        (),
        "textual-dark",
        "newest",
        {},
    )
    assert settings.origin == {}  # an empty [keys] table sets nothing


def test_the_default_config_uncommented_is_valid(config_file: Path) -> None:
    """Every commented line of the default, uncommented, is a working setting."""
    lines = []
    for line in DEFAULT_CONFIG.splitlines():
        if line.startswith("# ") and " = " in line:
            lines.append(line[2:])
        elif not line.startswith("#"):
            lines.append(line)
    write(config_file, "\n".join(lines) + "\n")
    settings, problems = load(config_file, {}, {})
    assert problems == []
    assert settings.folders == (
        Path("~/articles").expanduser(),
        Path("~/notes/reading").expanduser(),
    )
    assert settings.keys["main.next_unread"] == "n"
    assert settings.keys["list.down"] == "j,down"


def test_write_default_never_overwrites(config_file: Path) -> None:
    write(config_file, "theme = 'nord'\n")
    assert config.write_default(config_file) is False
    assert config_file.read_text(encoding="utf-8") == "theme = 'nord'\n"


def test_write_default_makes_the_folder(tmp_path: Path) -> None:
    path = tmp_path / "a" / "b" / "config.toml"
    assert config.write_default(path) is True
    assert path.read_text(encoding="utf-8") == DEFAULT_CONFIG


def test_the_readme_has_the_default_config_verbatim() -> None:
    assert DEFAULT_CONFIG in README.read_text(encoding="utf-8")


def test_config_path(tmp_path: Path) -> None:
    assert config.config_path({"AIREADER_CONFIG": str(tmp_path / "c.toml")}) == tmp_path / "c.toml"
    assert config.config_path({"AIREADER_CONFIG": "~/c.toml"}) == Path("~/c.toml").expanduser()
    default = config.config_path({})
    assert default.name == "config.toml"
    assert "aireader" in default.parts
    assert config.config_path({"AIREADER_CONFIG": ""}) == default


def test_load_reads_the_config_path_from_the_environment(config_file: Path) -> None:
    write(config_file, 'sort = "title"\n')
    settings, _ = load(None, {"AIREADER_CONFIG": str(config_file)}, None)
    assert settings.sort == "title"


def test_every_setting_from_the_file(config_file: Path) -> None:
    write(
        config_file,
        'folders = ["~/a", "/b"]\ntheme = "nord"\nmark_read_on_open = false\n'
        'sort = "oldest"\ndate_format = "%d/%m"\nsidebar = false\n',
    )
    settings, problems = load(config_file, {}, {})
    assert problems == []
    assert settings.folders == (Path("~/a").expanduser(), Path("/b"))
    assert (settings.theme, settings.mark_read_on_open, settings.sort) == ("nord", False, "oldest")
    assert (settings.date_format, settings.sidebar) == ("%d/%m", False)
    assert set(settings.origin.values()) == {"config"}
    assert set(settings.origin) == {
        "folders",
        "theme",
        "mark_read_on_open",
        "sort",
        "date_format",
        "sidebar",
    }


def test_one_folder_may_be_a_string(config_file: Path) -> None:
    write(config_file, 'folders = "~/articles"\n')
    settings, problems = load(config_file, {}, {})
    assert problems == []
    assert settings.folders == (Path("~/articles").expanduser(),)


# ---------------------------------------------------------------------------
# Problems: one line naming the key and the line, then the default


def test_unknown_key_names_the_key_and_line(config_file: Path) -> None:
    write(config_file, '# a comment\n\ncolour = "red"\nsort = "title"\n')
    settings, problems = load(config_file, {}, {})
    problem = only(problems)
    assert problem.startswith(f"{config_file} line 3: ")
    assert "unknown setting 'colour'" in problem
    assert "sort" in problem  # the known ones are listed
    assert settings.sort == "title"  # the rest still applies


def test_unknown_table_names_its_header_line(config_file: Path) -> None:
    write(config_file, 'sort = "title"\n\n[colours]\nlist = "red"\n')
    _, problems = load(config_file, {}, {})
    problem = only(problems)
    assert problem.startswith(f"{config_file} line 3: ")
    assert "'colours'" in problem


@pytest.mark.parametrize(
    ("text", "key", "expected"),
    [
        ("sidebar = 'yes'", "sidebar", "true or false"),
        ("mark_read_on_open = 1", "mark_read_on_open", "true or false"),
        ("sort = 'random'", "sort", "newest, oldest, title"),
        ("sort = 3", "sort", "newest, oldest, title"),
        ("theme = 'no theme'", "theme", "theme name"),
        ("theme = ''", "theme", "theme name"),
        ("date_format = 'plain'", "date_format", "strftime"),
        ("date_format = '%d %m %Y %H:%M:%S %a %b'", "date_format", "at most 20"),
        ('date_format = "%d\\u001b[31m"', "date_format", "strftime"),
        ("folders = 3", "folders", "list of folder paths"),
        ("folders = ['~/a', 3]", "folders", "list of folder paths"),
        ("folders = ['  ']", "folders", "list of folder paths"),
    ],
)
def test_wrong_value_names_the_key_and_line_and_uses_the_default(
    config_file: Path, text: str, key: str, expected: str
) -> None:
    write(config_file, f"# settings\n{text}\n")
    settings, problems = load(config_file, {}, {})
    problem = only(problems)
    assert problem.startswith(f"{config_file} line 2: '{key}' must be ")
    assert expected in problem
    assert "\x1b" not in problem
    assert getattr(settings, key) == getattr(Settings(), key)
    assert key not in settings.origin


def test_a_bad_value_keeps_what_a_weaker_source_set(config_file: Path) -> None:
    """A bad environment variable falls back to the config file's value, and says so."""
    write(config_file, 'sort = "oldest"\n')
    settings, problems = load(config_file, {"AIREADER_SORT": "sideways"}, {})
    assert settings.sort == "oldest"
    assert settings.origin["sort"] == "config"
    problem = only(problems)
    assert problem.startswith("environment variable AIREADER_SORT: 'sort' must be one of")
    assert problem.endswith("using 'oldest'")


def test_toml_syntax_error_is_one_line_with_the_line_number(config_file: Path) -> None:
    write(config_file, 'sort = "oldest"\ntheme = nord\n')
    settings, problems = load(config_file, {}, {})
    problem = only(problems)
    assert problem.startswith(f"{config_file}: not valid TOML")
    assert "line 2" in problem
    assert problem.endswith("using the defaults")
    assert settings.sort == "newest"  # nothing of the file is used


def test_file_that_is_not_utf8(config_file: Path) -> None:
    config_file.write_bytes(b'theme = "\xff"\n')
    settings, problems = load(config_file, {}, {})
    assert "not UTF-8" in only(problems)
    assert settings == Settings()


def test_file_that_cannot_be_read(tmp_path: Path) -> None:
    settings, problems = load(tmp_path, {}, {})  # a folder
    assert "cannot read it" in only(problems)
    assert settings == Settings()


def test_many_problems_each_one_line(config_file: Path) -> None:
    write(config_file, "a = 1\nsort = 2\n[keys]\nnext_unread = 3\n")
    _, problems = load(config_file, {"AIREADER_SIDEBAR": "maybe"}, {})
    assert len(problems) == 4
    assert [p.split(": ", 1)[0] for p in problems] == [
        f"{config_file} line 1",
        f"{config_file} line 2",
        f"{config_file} line 4",
        "environment variable AIREADER_SIDEBAR",
    ]


# ---------------------------------------------------------------------------
# Keys


def test_keys_are_flattened_into_binding_ids(config_file: Path) -> None:
    write(
        config_file,
        "[keys]\n"
        'next_unread = "x"\n'
        'reader.down = "J"\n'
        "\n"
        "[keys.list]\n"
        'down = " j , down ,"\n'
        'up = "k"\n',
    )
    settings, problems = load(config_file, {}, {})
    assert problems == []
    assert settings.keys == {
        "main.next_unread": "x",
        "reader.down": "J",
        "list.down": "j,down",
        "list.up": "k",
    }
    assert settings.origin["keys"] == "config"


def test_dotted_keys_at_the_top_level(config_file: Path) -> None:
    write(config_file, 'keys.toggle_read = "M"\nkeys.tags.down = "s"\n')
    settings, problems = load(config_file, {}, {})
    assert problems == []
    assert settings.keys == {"main.toggle_read": "M", "tags.down": "s"}


def test_bad_keys_name_the_action_and_its_own_line(config_file: Path) -> None:
    """Two tables have a ``down``: the problem points at the right one."""
    write(
        config_file,
        "[keys.reader]\n"  # 1
        'down = "j"\n'  # 2
        "\n"  # 3
        "[keys.list]\n"  # 4
        "down = 5\n"  # 5
        'up = ""\n',  # 6
    )
    settings, problems = load(config_file, {}, {})
    assert len(problems) == 2
    down, up = problems
    assert down.startswith(f"{config_file} line 5: keys for 'list.down' must be text")
    assert up.startswith(f"{config_file} line 6: keys for 'list.up' must be text")
    assert settings.keys == {"reader.down": "j"}


def test_keys_that_are_not_a_table(config_file: Path) -> None:
    write(config_file, 'keys = "n"\n')
    settings, problems = load(config_file, {}, {})
    assert only(problems).startswith(f"{config_file} line 1: [keys] must be a table")
    assert settings.keys == {}
    assert "keys" not in settings.origin


def test_only_bad_keys_leave_the_keys_unset(config_file: Path) -> None:
    write(config_file, "[keys]\nnext_unread = 1\n")
    settings, problems = load(config_file, {}, {})
    assert len(problems) == 1
    assert settings.keys == {}
    assert "keys" not in settings.origin


# ---------------------------------------------------------------------------
# Precedence: flag > environment > file > default


def test_precedence(config_file: Path) -> None:
    write(config_file, 'sort = "oldest"\ntheme = "nord"\nsidebar = false\n')
    environ = {"AIREADER_SORT": "title", "AIREADER_THEME": "dracula"}
    settings, problems = load(config_file, environ, {"sort": "newest", "theme": None})
    assert problems == []
    assert settings.sort == "newest"  # flag over environment
    assert settings.theme == "dracula"  # environment over file (the flag was not given)
    assert settings.sidebar is False  # file over default
    assert settings.mark_read_on_open is True  # default
    assert settings.origin == {"sort": "flag", "theme": "environment", "sidebar": "config"}


def test_precedence_step_by_step(config_file: Path) -> None:
    assert load(config_file, {}, {})[0].sort == "newest"
    write(config_file, 'sort = "oldest"\n')
    assert load(config_file, {}, {})[0].sort == "oldest"
    assert load(config_file, {"AIREADER_SORT": "title"}, {})[0].sort == "title"
    assert load(config_file, {"AIREADER_SORT": "title"}, {"sort": "newest"})[0].sort == "newest"


@pytest.mark.parametrize(
    ("raw", "value"),
    [("1", True), ("true", True), ("Yes", True), ("on", True), ("0", False), ("OFF", False)],
)
def test_environment_booleans(config_file: Path, raw: str, value: bool) -> None:
    settings, problems = load(config_file, {"AIREADER_SIDEBAR": raw}, {})
    assert problems == []
    assert settings.sidebar is value
    assert settings.origin["sidebar"] == "environment"


def test_environment_bad_boolean(config_file: Path) -> None:
    settings, problems = load(config_file, {"AIREADER_MARK_READ_ON_OPEN": "maybe"}, {})
    problem = only(problems)
    assert problem.startswith("environment variable AIREADER_MARK_READ_ON_OPEN: ")
    assert "true or false" in problem
    assert settings.mark_read_on_open is True


def test_environment_folders_and_empty_variables(config_file: Path, tmp_path: Path) -> None:
    raw = os.pathsep.join([str(tmp_path / "a"), "", "~/b"])
    settings, problems = load(config_file, {"AIREADER_FOLDERS": raw, "AIREADER_THEME": ""}, {})
    assert problems == []
    assert settings.folders == (tmp_path / "a", Path("~/b").expanduser())
    assert settings.theme == "textual-dark"  # an empty variable is not set
    assert "theme" not in settings.origin


def test_bad_flag_value_is_reported_as_the_flag(config_file: Path) -> None:
    settings, problems = load(config_file, {}, {"date_format": "no percent"})
    assert only(problems).startswith("--date-format: 'date_format' must be a strftime format")
    assert settings.date_format == "%b %d"


# ---------------------------------------------------------------------------
# The theme picked in the app


def test_a_picked_theme_is_remembered(tmp_path: Path) -> None:
    settings = Settings(theme="nord", origin={"theme": "config"})
    remember_theme(tmp_path, "dracula", settings)
    assert remembered_theme(tmp_path, settings) == "dracula"
    assert os.listdir(tmp_path) == [config.REMEMBERED_FILE]  # no temporary file left
    saved = json.loads((tmp_path / config.REMEMBERED_FILE).read_text(encoding="utf-8"))
    assert saved == {"theme": "dracula", "over": "nord"}


def test_a_picked_theme_yields_to_a_changed_setting(tmp_path: Path) -> None:
    remember_theme(tmp_path, "dracula", Settings(theme="nord", origin={"theme": "config"}))
    changed = Settings(theme="gruvbox", origin={"theme": "config"})
    assert remembered_theme(tmp_path, changed) is None


@pytest.mark.parametrize("origin", ["flag", "environment"])
def test_a_picked_theme_yields_to_a_flag_or_variable(tmp_path: Path, origin: str) -> None:
    remember_theme(tmp_path, "dracula", Settings())
    assert remembered_theme(tmp_path, Settings()) == "dracula"
    assert remembered_theme(tmp_path, Settings(origin={"theme": origin})) is None


def test_remembered_theme_without_a_file_or_with_a_bad_one(tmp_path: Path) -> None:
    assert remembered_theme(tmp_path, Settings()) is None
    remembered = tmp_path / config.REMEMBERED_FILE
    for text in ("not json", "[1, 2]", '{"theme": 3, "over": "textual-dark"}', "{}"):
        remembered.write_text(text, encoding="utf-8")
        assert remembered_theme(tmp_path, Settings()) is None, text


def test_remember_theme_makes_the_folder_and_replaces(tmp_path: Path) -> None:
    data = tmp_path / "new" / "data"
    remember_theme(data, "nord", Settings())
    remember_theme(data, "monokai", Settings())
    assert remembered_theme(data, Settings()) == "monokai"


def test_remember_theme_failure_raises_oserror(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(OSError):
        remember_theme(blocker, "nord", Settings())
