"""The README stays true to the project: its variable table, its commands, its twelve factors."""

import re

from tests.project_files import ROOT, documented_variables

README = (ROOT / "README.md").read_text()


def test_variable_table_lists_exactly_the_documented_variables() -> None:
    table = README.split("<!-- env-table:start -->", 1)[1].split("<!-- env-table:end -->", 1)[0]
    listed = re.findall(r"^\| `([A-Z][A-Z0-9_]*)` \|", table, re.MULTILINE)
    assert len(listed) == len(set(listed))
    assert set(listed) == documented_variables()


def test_quick_start_shows_the_two_commands() -> None:
    quick_start = README.split("## Quick start", 1)[1].split("\n## ", 1)[0]
    assert "make run" in quick_start
    assert "make test" in quick_start


def test_every_make_target_is_mentioned() -> None:
    targets = re.findall(r"^([a-z0-9-]+):.*## ", (ROOT / "Makefile").read_text(), re.MULTILINE)
    assert len(targets) > 10
    assert [t for t in targets if f"make {t}" not in README and t != "help"] == []


def test_twelve_factors_each_have_a_row() -> None:
    table = README.split("## The twelve factors", 1)[1].split("\n## ", 1)[0]
    numerals = re.findall(r"^\| (I|II|III|IV|V|VI|VII|VIII|IX|X|XI|XII)\. ", table, re.MULTILINE)
    assert numerals == ["I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII"]


def test_files_the_readme_points_to_exist() -> None:
    paths = set(re.findall(r"`((?:apps|config|tests|k8s|nginx|bench|scripts|requirements)/[\w./-]+)`", README))
    assert paths
    missing = [p for p in paths if not (ROOT / p.rstrip("/")).exists() and "<" not in p]
    assert missing == []
