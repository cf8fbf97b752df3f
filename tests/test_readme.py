"""The README answers what a new user asks first (issue 10, point 17)."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_readme_says_how_to_stop_the_demo_what_tests_cost_and_what_a_fresh_debian_needs():
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "Ctrl-C stops the demo" in text
    assert "SIGTERM" in text
    assert "`./dev test` takes a while" in text and "artifacts/" in text and ".venv/pycache/" in text
    assert "python3-venv" in text
    assert "PYTHON=" in text


def test_dev_names_python3_venv_when_it_cannot_make_the_environment():
    script = (ROOT / "dev").read_text(encoding="utf-8")
    assert "PY=${PYTHON:-python3}" in script
    assert "apt-get install python3-venv" in script
