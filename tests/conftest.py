"""Shared helpers: fixture pack paths, compiled checkers, and running the CLI in-process."""
from __future__ import annotations

import functools
import io
import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from compliance_check import Checker, load_packs
from compliance_check.cli import main

FIXTURES = Path(__file__).resolve().parent / "fixtures"
REPO = Path(__file__).resolve().parent.parent

# FILE:LINE:COL: JSON.PATH: message
PROBLEM_RE = re.compile(r"^(?P<file>.+?):(?P<line>\d+):(?P<col>\d+): (?P<path>\$\S*): (?P<message>.+)$")


def fixture_path(*parts: str) -> str:
    return str(FIXTURES.joinpath(*parts))


@functools.cache
def checker_for(*parts: str) -> Checker:
    """A Checker over one fixture pack file or folder, compiled once per test session."""
    return Checker(load_packs([fixture_path(*parts)]))


@dataclass
class CliResult:
    code: int
    out: str
    err: str


@pytest.fixture
def run_cli(capsys):
    """Run ``compliance_check.cli.main`` in-process; stdout goes to ``out``, stderr is captured."""

    def run(*argv: str, stdin: str = "") -> CliResult:
        capsys.readouterr()
        out = io.StringIO()
        code = main(list(argv), out=out, stdin=io.StringIO(stdin))
        return CliResult(code, out.getvalue(), capsys.readouterr().err)

    return run


def run_subprocess(*argv: str, stdin: str = "", timeout: float = 60, script: bool = False) -> CliResult:
    """Run the command as a separate process: ``python -m compliance_check``, or with
    ``script=True`` the installed ``compliance-check`` console script beside the interpreter."""
    command = [sys.executable, "-m", "compliance_check"]
    if script:
        installed = Path(sys.executable).parent / "compliance-check"
        assert installed.exists(), f"console script not installed at {installed}"
        command = [str(installed)]
    proc = subprocess.run(
        [*command, *argv],
        input=stdin,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=timeout,
        cwd=REPO,
    )
    return CliResult(proc.returncode, proc.stdout, proc.stderr)


def parse_problems(stderr: str) -> list[re.Match]:
    """Every non-empty stderr line, parsed as a problem line; fails on any other line."""
    lines = [line for line in stderr.splitlines() if line.strip()]
    assert lines, "expected at least one problem line on stderr"
    matches = []
    for line in lines:
        m = PROBLEM_RE.match(line)
        assert m, f"stderr line is not FILE:LINE:COL: PATH: message: {line!r}"
        matches.append(m)
    return matches
