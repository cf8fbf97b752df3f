"""The README says what is true (issue 10, point 17; made checkable in issue 26, point 26).

Every command it names exists with the options it names, every page it lists answers at that address, the
logins, demo password and authenticator key it prints are the demo's, the defaults of its settings table
are the settings' defaults, and the licence it names is the one in LICENSE and pyproject.toml.
"""

from __future__ import annotations

import base64
import re
import tomllib
from pathlib import Path

import pytest
from django.core.management import get_commands, load_command_class
from django.urls import Resolver404, get_resolver, resolve

from lianxin import cli
from lianxin.demo import data

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")


def _section(title: str) -> str:
    """The text of the README section headed ``title`` (up to the next heading of the same level)."""
    match = re.search(rf"^## {re.escape(title)}\n(.*?)(?=^## |\Z)", README, re.S | re.M)
    assert match, f"the README has a section {title!r}"
    return match.group(1)


def _table_rows(text: str) -> list[list[str]]:
    rows = []
    for line in text.splitlines():
        if line.startswith("|") and not line.startswith("|---"):
            rows.append([cell.strip() for cell in line.strip().strip("|").split("|")])
    return rows[1:]  # without the header


def _lianxin_commands() -> list[tuple[str, list[str]]]:
    """(command, options) for every command named in the first column of "The `lianxin` command" table:
    ``lianxin demo``, ``lianxin manage status``, a bare ``show_derived_keys`` after a ``lianxin manage …``."""
    named = []
    for first, *_rest in _table_rows(_section("The `lianxin` command")):
        manage = False
        for snippet in re.findall(r"`([^`]+)`", first):
            words = snippet.split()
            if words[:2] == ["lianxin", "manage"]:
                manage, words = True, words[2:]
            elif words[0] == "lianxin":
                manage, words = False, words[1:]
            if not words or words[0] == "…":
                continue
            name = ("manage " if manage else "") + words[0]
            named.append((name, re.findall(r"--[a-z][a-z-]*", snippet)))
    return named


def test_the_readme_names_commands_of_both_kinds():
    names = [n for n, _o in _lianxin_commands()]
    assert {"demo", "serve", "worker", "backup", "restore", "upgrade", "migrate"} <= set(names)
    assert {
        "manage status",
        "manage duty_rebuild",
        "manage show_derived_keys",
        "manage intake_evaluate",
    } <= set(names)


@pytest.mark.parametrize(("name", "options"), _lianxin_commands(), ids=[n for n, _o in _lianxin_commands()])
def test_every_lianxin_command_the_readme_names_exists_with_its_options(name, options, capsys):
    if name.startswith("manage "):
        command = name.split()[1]
        commands = get_commands()
        assert command in commands, f"`lianxin manage {command}` is not a management command"
        parser = load_command_class(commands[command], command).create_parser("lianxin manage", command)
        known = {s for action in parser._actions for s in action.option_strings}
    else:
        with pytest.raises(SystemExit) as exit_:
            cli.main([name, "--help"])
        assert exit_.value.code == 0, f"`lianxin {name}` is not a command"
        known = set(re.findall(r"--[a-z][a-z-]*", capsys.readouterr().out))
    missing = set(options) - known
    assert not missing, f"`lianxin {name}` has no {sorted(missing)}"


def test_the_dev_and_other_scripts_the_readme_names_exist():
    dev = (ROOT / "dev").read_text(encoding="utf-8")
    arms = set(re.findall(r"^  ([a-z]+)\)", dev, re.M))
    named = set(re.findall(r"\./dev ([a-z]+)", README))
    assert {"demo", "test"} <= named
    assert named <= arms, f"./dev has no {sorted(named - arms)}"
    for script in [*re.findall(r"^(bench/run|\.ci/run)\b", README, re.M), ".ci/run"]:
        path = ROOT / script
        assert path.is_file() and path.stat().st_mode & 0o111, f"{script} is not an executable file"


def test_the_logins_password_and_authenticator_key_are_the_demos():
    logins = re.search(r"prints one login per role \(password `([^`]+)`\): (.*?)\. `--port", README, re.S)
    assert logins, "the README lists the demo's logins"
    assert logins.group(1) == data.DEMO_PASSWORD
    named = re.findall(r"`(\w+)`", logins.group(2))
    assert sorted(named) == sorted(username for username, _role, _name in data.ROLE_LOGINS)
    key = re.search(r"add the demo key\s+`([A-Z2-7]+)`", README)
    assert key and key.group(1) == base64.b32encode(bytes.fromhex(data.DEMO_TOTP_KEY)).decode().rstrip("=")
    assert f"bytes.fromhex('{data.DEMO_TOTP_KEY}')" in README


def _paths() -> list[str]:
    found = []
    for row in _table_rows(_section("What is where")):
        for snippet in re.findall(r"`(/[^`\s]*)`", " ".join(row)):
            found.append(snippet)
    return sorted(set(found))


def test_the_page_table_lists_many_pages():
    assert len(_paths()) >= 20


@pytest.mark.parametrize("path", _paths())
def test_every_page_the_readme_lists_has_that_address(path):
    concrete = path.replace("<town>", "410724001").replace("<id>", "1")
    try:
        resolve(concrete)
    except Resolver404:  # a prefix such as /open311/v2/ is true when the site has pages under it
        if not any(route.startswith(concrete.lstrip("/")) for route in _routes(get_resolver().url_patterns)):
            pytest.fail(f"{path} (the README's page table) is no address of the site")


def _routes(patterns: list, prefix: str = "") -> list[str]:
    routes = []
    for p in patterns:
        here = prefix + str(p.pattern)
        routes += _routes(p.url_patterns, here) if hasattr(p, "url_patterns") else [here]
    return routes


def _defaults_in_settings() -> dict[str, str]:
    base = (ROOT / "config" / "settings" / "base.py").read_text(encoding="utf-8")
    return dict(re.findall(r'env\.\w+\("([A-Z_]+)", default=("?[\w/.]+"?)\)', base))


def test_the_settings_tables_defaults_are_the_settings_defaults():
    defaults = _defaults_in_settings()
    compared = 0
    for name_cell, default_cell, *_rest in _table_rows(_section("Settings (environment)")):
        names = re.findall(r"`([A-Z_]+)`", name_cell)
        values = [v.strip() for v in default_cell.split(",")]
        if len(names) != len(values):
            continue
        for name, value in zip(names, values, strict=True):
            plain = re.fullmatch(r"`?([\w/]+)`?(?: s)?", value)
            if not plain or name not in defaults:
                continue
            stated, actual = plain.group(1), defaults[name].strip('"').lower()
            if not re.fullmatch(r"\d+(/[a-z])?|true|false", stated):
                continue
            assert stated == actual, (
                f"README says {name} defaults to {stated}; config/settings/base.py: {actual}"
            )
            compared += 1
    assert compared >= 10, compared


def test_the_licence_is_named_alike_in_readme_pyproject_and_license():
    licence = (ROOT / "LICENSE").read_text(encoding="utf-8")
    assert "Apache License" in licence and "Version 2.0, January 2004" in licence
    assert "TERMS AND CONDITIONS FOR USE, REPRODUCTION, AND DISTRIBUTION" in licence
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert project["license"] == {"text": "Apache-2.0"}
    assert "`Apache-2.0`" in _section("Licence") and "(LICENSE)" in _section("Licence")


def test_dev_names_python3_venv_when_it_cannot_make_the_environment():
    script = (ROOT / "dev").read_text(encoding="utf-8")
    assert "PY=${PYTHON:-python3}" in script
    assert re.search(r'"\$PY" -m venv "\$VENV" \|\| \{[^}]*apt-get install python3-venv', script), script
    assert "python3-venv" in README and "PYTHON=" in README
