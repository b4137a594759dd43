"""`compliance-check packs validate FOLDER` on a folder holding a parent pack and a child
that extends it: both are validated and reported, the parent is not dropped."""
from __future__ import annotations

from conftest import fixture_path, run_subprocess


def _ok_lines(out: str) -> dict[str, str]:
    lines = [line for line in out.splitlines() if line.strip()]
    assert all(line.startswith("ok: ") for line in lines), out
    return {line.split(": ")[2].split()[0]: line for line in lines}


def test_packs_validate_folder_reports_parent_and_child(run_cli):
    folder = fixture_path("validate_folder")
    result = run_cli("packs", "validate", folder)
    assert result.code == 0, result.err
    assert result.err == ""
    oks = _ok_lines(result.out)
    assert set(oks) == {"fx-vparent", "fx-vchild"}
    assert oks["fx-vparent"] == f"ok: {fixture_path('validate_folder', 'parent.yaml')}: fx-vparent 1.0.0, 1 rules"
    # the child's rule count includes the inherited rule
    assert oks["fx-vchild"] == f"ok: {fixture_path('validate_folder', 'child.yaml')}: fx-vchild 2.1.0, 2 rules"


def test_packs_validate_folder_with_the_installed_command():
    result = run_subprocess("packs", "validate", fixture_path("validate_folder"), script=True)
    assert result.code == 0, result.err
    assert "Traceback" not in result.err
    assert set(_ok_lines(result.out)) == {"fx-vparent", "fx-vchild"}
