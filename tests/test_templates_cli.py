"""``compliance-check templates`` end to end on the sample repository corpus/templates:
findings on the right lines, every output format, exit codes, --jobs."""
from __future__ import annotations

import contextlib
import functools
import io
import json
import os
import re
import shutil
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from sarif_kit.validate import validation_errors

from compliance_check.cli import main
from conftest import REPO, CliResult, run_subprocess

SAMPLE = REPO / "corpus" / "templates"
TEXT_LINE = re.compile(r"^(?P<path>\S+):(?P<line>\d+):(?P<col>\d+): (?P<severity>error|warning|info) (?P<rule>\S+) (?P<message>.+)$")

# (file, line, category) of the unsuppressed violations in the sample. Rule ids and the
# number of findings on a line follow the bundled packs as they grow; these do not.
EXPECTED = {
    ("email/final-notice.html.j2", 7, "false_legal_threat"),    # we'll have you arrested
    ("letters/legacy-notice.txt", 3, "third_party_pressure"),  # we will tell your employer (in the baseline)
    ("scripts/call-script.json", 5, "third_party_pressure"),   # 去你单位找你领导
    ("sms/cn-reminders.yaml", 8, "threat_violence"),          # 打断你的腿
    ("sms/zh_CN.po", 15, "insult_profanity"),                 # 老赖
}
# (file, line, column, rule) of the findings suppressed in source, as the comments name them
SUPPRESSED = {
    ("letters/legal-action.md", 9, 51, "US-SUIT-001"),
    ("sms/cn-reminders.yaml", 11, 30, "CN-LEGAL-002"),
}


def short(path: str) -> str:
    return Path(path).relative_to("corpus/templates").as_posix()


def check_expected(findings: list[tuple[str, int, str]]) -> None:
    """``findings``: (file, line, category) of every active finding."""
    assert {(f, line) for f, line, _ in findings} == {(f, line) for f, line, _ in EXPECTED}
    assert EXPECTED <= set(findings)


PACK = str(REPO / "tests" / "fixtures" / "templates" / "tpl-pack.yaml")


@functools.cache
def sample(*argv: str) -> CliResult:
    """``templates corpus/templates ARGV...`` run in-process from the repository root, once
    per argument list (compiling the bundled packs is most of a run's time)."""
    out, err = io.StringIO(), io.StringIO()
    cwd = os.getcwd()
    os.chdir(REPO)
    try:
        with contextlib.redirect_stderr(err):
            code = main(["templates", "corpus/templates", *argv], out=out)
    finally:
        os.chdir(cwd)
    return CliResult(code, out.getvalue(), err.getvalue())


def sample_path(name: str) -> str:
    return f"corpus/templates/{name}"


@pytest.fixture(scope="module")
def sarif() -> dict:
    result = sample("--format", "sarif")
    assert result.code == 1, result.err
    return json.loads(result.out)


def test_text_output_names_file_line_column_rule():
    result = sample()
    assert result.code == 1
    lines = result.out.splitlines()
    found = [TEXT_LINE.match(line) for line in lines[:-1]]
    assert all(found), lines
    got = [(m["path"], int(m["line"]), int(m["col"]), m["rule"]) for m in found]
    assert got == sorted(got)  # files in order, then lines and columns
    assert {(short(p), line) for p, line, _, _ in got} == {(f, line) for f, line, _ in EXPECTED}
    assert "8 files" in lines[-1] and "2 skipped (not a template format)" in lines[-1] and "2 suppressed" in lines[-1]


def test_every_finding_points_at_its_text_in_the_file():
    data = json.loads(sample("--format", "json").out)
    for f in data["findings"]:
        line = (REPO / f["path"]).read_text("utf-8").splitlines()[f["line"] - 1]
        assert f["end_line"] == f["line"]
        assert line[f["column"] - 1:f["end_column"] - 1] == f["matched"]
    active = [f for f in data["findings"] if "suppressed" not in f]
    check_expected([(short(f["path"]), f["line"], f["category"]) for f in active])
    suppressed = {(short(f["path"]), f["line"], f["column"], f["rule"]) for f in data["findings"] if "suppressed" in f}
    assert suppressed == SUPPRESSED
    assert data["skipped"] == ["cn-samples.jsonl", "us-samples.jsonl"]
    assert data["summary"]["suppressed"] == 2 and data["summary"]["total"] == len(data["findings"])
    assert data["summary"]["error"] == len(active)


def test_sarif_validates_against_the_oasis_schema_and_points_at_the_lines(sarif):
    assert validation_errors(sarif) == []
    run = sarif["runs"][0]
    assert run["columnKind"] == "unicodeCodePoints"
    rules = {r["id"]: r for r in run["tool"]["driver"]["rules"]}

    def where(r: dict) -> tuple:
        location = r["locations"][0]["physicalLocation"]
        return short(location["artifactLocation"]["uri"]), location["region"]["startLine"], location["region"]["startColumn"]

    check_expected([(*where(r)[:2], rules[r["ruleId"]]["properties"]["category"]) for r in run["results"] if "suppressions" not in r])
    assert {(*where(r), r["ruleId"]) for r in run["results"] if "suppressions" in r} == SUPPRESSED
    for r in run["results"]:
        file, line, column = where(r)
        text = (SAMPLE / file).read_text("utf-8").splitlines()[line - 1]
        assert text[column - 1:].startswith(r["locations"][0]["physicalLocation"]["region"]["snippet"]["text"])
    assert rules["US-SUIT-001"]["help"]["text"].startswith("Citation: fdcpa 1692e(5)")
    assert "cba-2026" in rules["CN-LEGAL-002"]["help"]["text"]
    for result in run["results"]:
        assert run["tool"]["driver"]["rules"][result["ruleIndex"]]["id"] == result["ruleId"]
    suppressed = [r for r in run["results"] if "suppressions" in r]
    assert {r["ruleId"] for r in suppressed} == {"US-SUIT-001", "CN-LEGAL-002"}
    for r in suppressed:
        (s,) = r["suppressions"]
        assert s["kind"] == "inSource" and s["justification"]


def test_sarif_fingerprints_baseline_states_and_problems(tmp_path, sarif):
    """One run over an edited copy: fingerprints survive lines inserted above the findings,
    the baseline marks states, and a broken file is a notification; the log still validates."""
    copy = tmp_path / "repo"
    shutil.copytree(SAMPLE, copy)
    target = copy / "sms" / "cn-reminders.yaml"
    target.write_text("# a new comment line\n\n" + target.read_text("utf-8"), encoding="utf-8")
    (copy / "sms" / "broken.yaml").write_text("a: [1\n", encoding="utf-8")
    result = run_subprocess("templates", str(copy), "--format", "sarif", "--baseline", str(copy / "baseline.json"))
    assert result.code == 2
    assert "sms/broken.yaml:2:1: $: YAML syntax error: while parsing a flow sequence" in result.err.splitlines()[0]
    log = json.loads(result.out)
    assert validation_errors(log) == []
    run = log["runs"][0]
    before = {r["partialFingerprints"]["complianceCheck/v1"]: r["ruleId"] for r in sarif["runs"][0]["results"]}
    after = {r["partialFingerprints"]["complianceCheck/v1"]: r["ruleId"] for r in run["results"]}
    assert before == after
    moved = [r for r in run["results"] if "cn-reminders" in r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]]
    assert {r["locations"][0]["physicalLocation"]["region"]["startLine"] for r in moved} == {8 + 2, 11 + 2}
    assert run["invocations"][0]["executionSuccessful"] is False
    (note,) = run["invocations"][0]["toolExecutionNotifications"]
    assert note["locations"][0]["physicalLocation"]["artifactLocation"]["uri"].endswith("sms/broken.yaml")
    states = {r["ruleId"]: r["baselineState"] for r in run["results"]}
    assert states["US-THIRDPARTY-001"] == "unchanged" and states["US-ARREST-001"] == "new"


def test_the_sample_baseline_holds_the_legacy_finding():
    result = sample("--baseline", "corpus/templates/baseline.json", "--format", "json")
    data = json.loads(result.out)
    baselined = [(f["path"], f["line"]) for f in data["findings"] if f["baselined"]]
    assert baselined == [("corpus/templates/letters/legacy-notice.txt", 3)]
    assert data["stale_baseline"] == []
    assert result.code == 1  # the other violations are new


def test_exit_codes(run_cli, tmp_path, monkeypatch):
    assert sample().code == 1
    # warnings only: 0 by default, 1 with --fail-on warning
    monkeypatch.chdir(tmp_path)
    (tmp_path / "a.txt").write_text("Pay now or we will sue you.", encoding="utf-8")
    assert run_cli("templates", "a.txt", "--pack", PACK).code == 0
    assert run_cli("templates", "a.txt", "--pack", PACK, "--fail-on", "warning").code == 1
    missing = run_cli("templates", "nowhere")
    assert missing.code == 2 and missing.err.startswith("nowhere:1:1: $: no such file or folder")
    no_pack = run_cli("templates", "a.txt")
    assert no_pack.code == 2 and "no rule pack selected" in no_pack.err
    assert run_cli("templates", "a.txt", "--pack", PACK, "--jobs", "0").code == 2


def test_bad_template_files_are_reported_with_position_and_the_rest_still_checked(run_cli, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "bad.yaml").write_text("text: ok\n  bad: indent\n", encoding="utf-8")
    (tmp_path / "bad.json").write_text('{"a": "x",}', encoding="utf-8")
    (tmp_path / "latin1.txt").write_bytes("Zahlung f\xe4llig".encode("latin-1"))
    (tmp_path / "bad.po").write_text('msgid "a"\nmsgstr "unterminated\n', encoding="utf-8")  # polib alone reads ""
    (tmp_path / "threat.txt").write_text("再不还钱就打断你的腿", encoding="utf-8")
    result = run_cli("templates", ".", "--pack", PACK)
    assert result.code == 2
    problems = result.err.splitlines()
    assert problems[0].startswith("bad.json:1:11: $: JSON syntax error")
    assert problems[1].startswith("bad.po:2:1: $: gettext syntax error")
    assert problems[2].startswith("bad.yaml:2:6: $: YAML syntax error")
    assert problems[3] == "latin1.txt:1:10: $: not valid UTF-8 at byte 10"
    assert "threat.txt:1:6: error FX-THREAT threat" in result.out


def test_unknown_extensions_are_skipped_and_counted_never_read(run_cli, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "notes.csv").write_text("再不还钱就打断你的腿", encoding="utf-8")
    (tmp_path / "script.py").write_text("x = '再不还钱就打断你的腿'", encoding="utf-8")
    (tmp_path / "ok.txt").write_text("您好", encoding="utf-8")
    result = run_cli("templates", ".", "notes.csv", "--pack", PACK, "--format", "json")
    assert result.code == 0
    data = json.loads(result.out)
    assert data["skipped"] == ["notes.csv", "script.py"]
    assert data["files"] == 1 and data["findings"] == []
    text = run_cli("templates", ".", "--pack", PACK).out
    assert "1 files (1 templates) checked, 2 skipped (not a template format)" in text


def test_junit_report():
    result = sample("--format", "junit")
    root = ET.fromstring(result.out)
    suite = root.find("testsuite")
    assert suite.get("tests") == "8" and suite.get("failures") == "5" and suite.get("errors") == "0"
    failing = {case.get("name") for case in suite.iter("testcase") if case.find("failure") is not None}
    assert failing == {sample_path(f) for f in ("email/final-notice.html.j2", "letters/legacy-notice.txt", "scripts/call-script.json",
                                                 "sms/cn-reminders.yaml", "sms/zh_CN.po")}
    legal = next(c for c in suite.iter("testcase") if c.get("name").endswith("legal-action.md"))
    assert "[suppressed: our client has authorised suit" in legal.find("system-out").text


def test_github_annotations():
    lines = sample("--format", "github").out.splitlines()
    data = json.loads(sample("--format", "json").out)
    assert len(lines) == sum(1 for f in data["findings"] if "suppressed" not in f)
    assert lines[0].startswith(f"::error file={sample_path('email/final-notice.html.j2')},line=7,col=36,endLine=7,endColumn=53,title=US-ARREST-001::")
    assert not any("legal-action.md" in line for line in lines)  # suppressed: no annotation


def test_jobs_two_gives_the_same_output_as_jobs_one():
    one = run_subprocess("templates", "corpus/templates", "--format", "json", "--jobs", "1")
    two = run_subprocess("templates", "corpus/templates", "--format", "json", "--jobs", "2")
    assert one.code == two.code == 1
    assert one.out == two.out
