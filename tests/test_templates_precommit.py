"""The pre-commit hook, run by the ``pre-commit`` tool itself against a throwaway git
repository, as a template repository would use it.

The test uses the ``compliance-check-templates-system`` hook: it runs the compliance-check
installed beside this interpreter, so it works offline. The ``compliance-check-templates``
hook (``language: python``) is the same entry; pre-commit would pip-install this
repository for it, which needs the package index, so here its manifest entry is only
validated.
"""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import REPO

PACK = str(REPO / "tests" / "fixtures" / "templates" / "tpl-pack.yaml")
BIN = Path(sys.executable).parent

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")


def run(args: list[str], cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True, encoding="utf-8", timeout=180)


@pytest.fixture
def env(tmp_path) -> dict[str, str]:
    identity = {"GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.com", "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.com"}
    return {**os.environ, **identity, "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}",
            "PRE_COMMIT_HOME": str(tmp_path / "pre-commit-cache"), "HOME": str(tmp_path)}


def git_repo(path: Path, env: dict[str, str]) -> None:
    path.mkdir()
    run(["git", "init", "-q", "-b", "main"], path, env).check_returncode()


def test_the_manifest_is_valid_for_pre_commit(env):
    result = run([str(BIN / "pre-commit"), "validate-manifest", str(REPO / ".pre-commit-hooks.yaml")], REPO, env)
    assert result.returncode == 0, result.stdout + result.stderr


def test_pre_commit_runs_the_hook_and_fails_on_a_finding(tmp_path, env):
    hooks = tmp_path / "hooks"  # this repository's hook manifest, committed in a repository of its own
    git_repo(hooks, env)
    shutil.copy(REPO / ".pre-commit-hooks.yaml", hooks / ".pre-commit-hooks.yaml")
    run(["git", "add", "."], hooks, env).check_returncode()
    run(["git", "commit", "-q", "-m", "hooks"], hooks, env).check_returncode()
    rev = run(["git", "rev-parse", "HEAD"], hooks, env).stdout.strip()

    work = tmp_path / "templates"
    git_repo(work, env)
    (work / ".pre-commit-config.yaml").write_text(
        f"repos:\n  - repo: {hooks}\n    rev: {rev}\n    hooks:\n      - id: compliance-check-templates-system\n", encoding="utf-8")
    (work / ".compliance.yaml").write_text(f"packs: ['{PACK}']\nchannel: sms\n", encoding="utf-8")
    (work / "sms").mkdir()
    bad = work / "sms" / "overdue.yaml"
    bad.write_text("text: |\n  A debt collector writes.\n  Pay, or we'll have you arrested.\n", encoding="utf-8")
    (work / "sms" / "ok.txt").write_text("This is a debt collector.", encoding="utf-8")
    (work / "notes.csv").write_text("not a template", encoding="utf-8")
    run(["git", "add", "."], work, env).check_returncode()

    failed = run([str(BIN / "pre-commit"), "run", "--all-files"], work, env)
    assert failed.returncode == 1, failed.stdout + failed.stderr
    assert "sms/overdue.yaml:3:17: error FX-THREAT threat" in failed.stdout
    assert "2 files (2 templates) checked" in failed.stdout  # the YAML configs are not templates; the csv is not passed

    bad.write_text("text: |\n  A debt collector writes.\n  Please pay by Friday.\n", encoding="utf-8")
    run(["git", "add", "."], work, env).check_returncode()
    passed = run([str(BIN / "pre-commit"), "run", "--all-files"], work, env)
    assert passed.returncode == 0, passed.stdout + passed.stderr
    assert "Passed" in passed.stdout
