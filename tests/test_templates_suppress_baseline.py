"""Inline suppressions with reasons, and the baseline, on real template files."""
from __future__ import annotations

import json
from pathlib import Path

import pytest
from sarif_kit.validate import validation_errors

from conftest import REPO

PACK = str(REPO / "tests" / "fixtures" / "templates" / "tpl-pack.yaml")


@pytest.fixture
def repo(tmp_path, monkeypatch):
    """A throwaway template repository using the fixture pack; the current folder."""
    (tmp_path / ".compliance.yaml").write_text(f"packs: ['{PACK}']\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)

    def write(name: str, text: str) -> Path:
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        return path

    return write


def findings(run_cli, *args: str) -> tuple[int, list[dict], dict]:
    result = run_cli("templates", ".", "--format", "json", *args)
    data = json.loads(result.out)
    return result.code, [(f["path"], f["line"], f["rule"], f.get("suppressed", {}).get("justification")) for f in data["findings"]], data


def test_suppressions_in_every_comment_syntax(run_cli, repo):
    repo("a.yaml",
         "# compliance-check: ignore FX-THREAT -- quoted from a court record, not a threat\n"
         "quote: 再不还钱就打断你的腿\n"
         "body: |  # compliance-check: ignore FX-THREAT -- the key's line covers the whole block\n"
         "  first line\n"
         "  打断你的腿\n"
         "other: 打断你的腿\n")
    repo("b.html", "<p>x</p>\n<!-- compliance-check: ignore FX-THREAT -- training material -->\n<p>We'll have you arrested</p>\n")
    repo("c.j2", "{# compliance-check: ignore FX-SUE -- the client has filed suit #}\nWe will sue you.\n")
    repo("d.po",
         'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n\n'
         "# compliance-check: ignore FX-THREAT -- a quotation in a court notice\n"
         'msgid "a"\nmsgstr "打断你的腿"\n')
    repo("e.md", "We'll have you arrested. <!-- compliance-check: ignore FX-THREAT -- same line works too -->\n")
    code, got, data = findings(run_cli)
    assert got == [
        ("a.yaml", 2, "FX-THREAT", "quoted from a court record, not a threat"),
        ("a.yaml", 5, "FX-THREAT", "the key's line covers the whole block"),
        ("a.yaml", 6, "FX-THREAT", None),
        ("b.html", 3, "FX-THREAT", "training material"),
        ("c.j2", 2, "FX-SUE", "the client has filed suit"),
        ("d.po", 7, "FX-THREAT", "a quotation in a court notice"),
        ("e.md", 1, "FX-THREAT", "same line works too"),
    ]
    assert code == 1  # a.yaml line 6 is not suppressed
    assert data["summary"]["suppressed"] == 6 and data["summary"]["error"] == 1
    text = run_cli("templates", ".").out
    assert text.splitlines()[0].startswith("a.yaml:6:8: error FX-THREAT")
    assert len(text.splitlines()) == 2  # suppressed findings are not printed as problems, only counted
    assert "6 suppressed" in text


def test_stacked_suppressions_cover_the_next_line(run_cli, repo):
    repo("a.yaml",
         "# compliance-check: ignore FX-THREAT -- reason one\n"
         "# compliance-check: ignore FX-SUE -- reason two\n"
         "text: 打断你的腿, or we will sue you\n")
    code, got, _ = findings(run_cli)
    assert code == 0
    assert got == [("a.yaml", 3, "FX-THREAT", "reason one"), ("a.yaml", 3, "FX-SUE", "reason two")]


def test_a_suppression_without_reason_is_a_finding_and_suppresses_nothing(run_cli, repo):
    repo("a.txt", "{# compliance-check: ignore FX-THREAT #}\n打断你的腿\n")
    repo("b.txt", "{# compliance-check: ignore FX-THREAT --   #}\n打断你的腿\n")
    code, got, _ = findings(run_cli)
    assert code == 1
    assert got == [
        ("a.txt", 1, "SUPPRESS-NO-REASON", None), ("a.txt", 2, "FX-THREAT", None),
        ("b.txt", 1, "SUPPRESS-NO-REASON", None), ("b.txt", 2, "FX-THREAT", None),
    ]


def test_a_suppression_naming_a_rule_that_did_not_fire_is_a_finding(run_cli, repo):
    repo("a.yaml",
         "# compliance-check: ignore FX-SUE -- wrong rule named\n"
         "a: 打断你的腿\n"
         "# compliance-check: ignore FX-THREAT -- nothing fires here\n"
         "b: hello\n"
         "# compliance-check: ignore -- no rule at all\n"
         "c: hello\n")
    code, got, data = findings(run_cli)
    assert got == [
        ("a.yaml", 1, "SUPPRESS-UNUSED", None),
        ("a.yaml", 2, "FX-THREAT", None),
        ("a.yaml", 3, "SUPPRESS-UNUSED", None),
        ("a.yaml", 5, "SUPPRESS-MALFORMED", None),
    ]
    unused = [f for f in data["findings"] if f["rule"] == "SUPPRESS-UNUSED"]
    assert unused[0]["severity"] == "warning" and "FX-SUE" in unused[0]["message"]


def test_suppressions_appear_in_sarif_with_their_justification(run_cli, repo):
    repo("a.yaml", "# compliance-check: ignore FX-THREAT -- quoted from a court record\nquote: 打断你的腿\n")
    log = json.loads(run_cli("templates", ".", "--format", "sarif").out)
    assert validation_errors(log) == []
    (result,) = log["runs"][0]["results"]
    assert result["suppressions"] == [{"kind": "inSource", "status": "accepted", "justification": "quoted from a court record"}]
    assert result["locations"][0]["logicalLocations"] == [{"fullyQualifiedName": "$.quote", "kind": "member"}]


def test_baseline_fails_only_on_new_findings_and_survives_unrelated_edits(run_cli, repo, tmp_path):
    sms = repo("sms.yaml", "a: 打断你的腿\nb: fine\nc: 打断你的腿\n")
    letter = repo("letter.txt", "We will sue you.\n\nWe'll have you arrested.\n")
    baseline = str(tmp_path / "baseline.json")
    written = run_cli("templates", ".", "--write-baseline", baseline)
    assert written.code == 0  # adopting: today's findings are accepted
    entries = json.loads(Path(baseline).read_text("utf-8"))["findings"]
    assert [(e["path"], e["rule"], e.get("key")) for e in entries] == [
        ("letter.txt", "FX-SUE", None), ("letter.txt", "FX-THREAT", None), ("sms.yaml", "FX-THREAT", "$.a"), ("sms.yaml", "FX-THREAT", "$.c")]
    assert all("line" not in e for e in entries)

    assert run_cli("templates", ".", "--baseline", baseline).code == 0
    # unrelated edits: lines inserted above, another string changed, keys reordered
    sms.write_text("# header\n\nb: changed text\nc: 打断你的腿\na: 打断你的腿\n", encoding="utf-8")
    letter.write_text("Hello.\n\nWe will sue you.\n\n\nWe'll have you arrested.\n", encoding="utf-8")
    code, got, data = findings(run_cli, "--baseline", baseline)
    assert code == 0, got
    assert all(f["baselined"] for f in data["findings"]) and data["summary"]["baselined"] == 4
    assert data["stale_baseline"] == []

    # a new finding fails, and only it is active
    sms.write_text("a: 打断你的腿\nc: 打断你的腿\nd: 打断你的腿\n", encoding="utf-8")
    result = run_cli("templates", ".", "--baseline", baseline)
    assert result.code == 1
    active = [line for line in result.out.splitlines() if ": error " in line]
    assert active == ["sms.yaml:3:4: error FX-THREAT threat"]


def test_baseline_reports_entries_that_no_longer_occur(run_cli, repo, tmp_path):
    letter = repo("letter.txt", "We will sue you. We'll have you arrested.\n")
    baseline = str(tmp_path / "baseline.json")
    run_cli("templates", ".", "--write-baseline", baseline)
    letter.write_text("We will sue you.\n", encoding="utf-8")
    result = run_cli("templates", ".", "--baseline", baseline)
    assert result.code == 0
    assert "baseline: 1 entries no longer occur" in result.out
    assert "  letter.txt: FX-THREAT 'have you arrested'" in result.out
    code, _, data = findings(run_cli, "--baseline", baseline)
    assert [(e["path"], e["rule"]) for e in data["stale_baseline"]] == [("letter.txt", "FX-THREAT")]
    sarif = run_cli("templates", ".", "--baseline", baseline, "--format", "sarif")
    assert "1 baseline entries no longer occur" in sarif.err


def test_repeated_matches_are_counted_against_the_baseline(run_cli, repo, tmp_path):
    letter = repo("letter.txt", "We will sue you. We will sue you.\n")
    baseline = str(tmp_path / "baseline.json")
    run_cli("templates", ".", "--write-baseline", baseline)
    letter.write_text("We will sue you. We will sue you. We will sue you.\n", encoding="utf-8")
    code, got, data = findings(run_cli, "--baseline", baseline, "--fail-on", "warning")
    assert code == 1
    assert [f["baselined"] for f in data["findings"]] == [True, True, False]


@pytest.mark.parametrize("content,message", [
    ("{not json", "1:2: $: invalid JSON"),
    ('{"version": 9, "findings": []}', "1:1: $: not a compliance-check baseline"),
    ('{"version": 1, "findings": [{"path": "x"}]}', "1:1: $.findings[0]: each entry needs fingerprint, path and rule"),
])
def test_a_bad_baseline_file_is_an_input_error(run_cli, repo, tmp_path, content, message):
    repo("a.txt", "hello")
    bad = tmp_path / "bad-baseline.json"
    bad.write_text(content, encoding="utf-8")
    result = run_cli("templates", ".", "--baseline", str(bad))
    assert result.code == 2
    assert result.err.strip() == f"{bad}:{message}" or result.err.startswith(f"{bad}:{message}")
