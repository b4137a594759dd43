"""Broken packs through the command line: exit 2, one `FILE:LINE:COL: PATH: message` line per
problem on stderr with the right line, never a traceback."""
from __future__ import annotations

import pytest

from conftest import fixture_path, parse_problems, run_subprocess

# (file under fixtures/bad, line of the problem, JSON path, a word the message must contain)
BAD_PACKS = [
    ("yaml_syntax.yaml", 6, "$", "YAML"),
    ("bad_severity.yaml", 8, "$.rules[0].severity", "fatal"),
    ("duplicate_id.yaml", 11, "$.rules[1].id", "R1"),
    ("unknown_extends.yaml", 5, "$.extends[0]", "unknown pack"),
    ("bad_regex.yaml", 10, "$.rules[0].pattern", "regular expression"),
    ("unknown_kind.yaml", 6, "$.rules[0].kind", "telepathy"),
]
IDS = [case[0].removesuffix(".yaml") for case in BAD_PACKS]


def assert_problem(result, file, line, path, word):
    assert result.code == 2, (result.out, result.err)
    assert "Traceback" not in result.err
    problems = parse_problems(result.err)
    wanted = [p for p in problems if p["file"] == file and p["path"] == path]
    assert wanted, f"no problem at {path} in {file}: {result.err}"
    assert int(wanted[0]["line"]) == line
    assert word in wanted[0]["message"]


@pytest.mark.parametrize("name, line, path, word", BAD_PACKS, ids=IDS)
def test_packs_validate_reports_problem(run_cli, name, line, path, word):
    file = fixture_path("bad", name)
    result = run_cli("packs", "validate", file)
    assert_problem(result, file, line, path, word)
    assert "ok:" not in result.out


@pytest.mark.parametrize("name, line, path, word", BAD_PACKS, ids=IDS)
def test_message_with_bad_pack_reports_problem(run_cli, name, line, path, word):
    file = fixture_path("bad", name)
    result = run_cli("message", "--pack", file, "你好")
    assert_problem(result, file, line, path, word)
    assert result.out == ""  # no verdict for a message that was not checked


def test_packs_validate_extends_cycle_folder(run_cli):
    folder = fixture_path("bad", "cycle")
    result = run_cli("packs", "validate", folder)
    assert result.code == 2
    assert "Traceback" not in result.err
    lines = {fixture_path("bad", "cycle", "cycle_a.yaml"): 4, fixture_path("bad", "cycle", "cycle_b.yaml"): 5}
    for p in parse_problems(result.err):
        assert "cycle" in p["message"]
        assert int(p["line"]) == lines[p["file"]]


@pytest.mark.parametrize("order", [("cycle_a.yaml", "cycle_b.yaml"), ("cycle_b.yaml", "cycle_a.yaml")])
def test_message_with_extends_cycle_across_two_pack_files(run_cli, order):
    argv = ["message"]
    for name in order:
        argv += ["--pack", fixture_path("bad", "cycle", name)]
    result = run_cli(*argv, "你好")
    assert result.code == 2
    assert "Traceback" not in result.err
    lines = {fixture_path("bad", "cycle", "cycle_a.yaml"): 4, fixture_path("bad", "cycle", "cycle_b.yaml"): 5}
    problems = parse_problems(result.err)
    for p in problems:
        assert "extends cycle" in p["message"]
        assert p["path"] == "$.extends[0]"
        assert int(p["line"]) == lines[p["file"]]


def test_validate_reports_problems_of_every_file(run_cli):
    files = [fixture_path("bad", name) for name, *_ in BAD_PACKS]
    result = run_cli("packs", "validate", fixture_path("basic.yaml"), *files)
    assert result.code == 2
    reported = {p["file"] for p in parse_problems(result.err)}
    assert reported == set(files)
    assert "ok: " in result.out  # the good pack is still confirmed


def test_validate_good_pack_exits_0(run_cli):
    result = run_cli("packs", "validate", fixture_path("basic.yaml"), fixture_path("extends"))
    assert result.code == 0, result.err
    assert result.err == ""
    assert "fx-basic 1.2.3" in result.out


def test_missing_pack_file_is_an_input_error(run_cli):
    result = run_cli("packs", "validate", fixture_path("no-such-pack.yaml"))
    assert result.code == 2
    assert "Traceback" not in result.err
    (p,) = parse_problems(result.err)
    assert p["file"].endswith("no-such-pack.yaml")


def test_subprocess_bad_packs_exit_2_without_traceback():
    files = [fixture_path("bad", name) for name, *_ in BAD_PACKS]
    result = run_subprocess("packs", "validate", *files)
    assert result.code == 2, result.err
    assert "Traceback" not in result.err
    problems = parse_problems(result.err)
    for name, line, path, word in BAD_PACKS:
        file = fixture_path("bad", name)
        assert any(p["file"] == file and p["path"] == path and int(p["line"]) == line for p in problems), (name, result.err)


def test_subprocess_message_with_bad_pack():
    file = fixture_path("bad", "bad_severity.yaml")
    result = run_subprocess("message", "--pack", file, "你好")
    assert result.code == 2
    assert "Traceback" not in result.err
    (p,) = parse_problems(result.err)
    assert (p["file"], int(p["line"]), p["path"]) == (file, 8, "$.rules[0].severity")
