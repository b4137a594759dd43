"""`compliance-check contacts` and `next-contact` on the command line: output, exit codes,
bad input never a traceback."""
from __future__ import annotations

import csv
import io
import json

import pytest

from conftest import parse_problems, run_subprocess

HEADER = "id,account,time,channel,direction,outcome,tz,agent\n"
TEN = HEADER + (
    "c1,A1,2026-03-02T07:59:59-05:00,call,,no_answer,America/New_York,alice\n"   # hours
    "c2,A1,2026-03-02T10:00:00-05:00,call,inbound,conversation,America/New_York,bob\n"
    "c3,A1,2026-03-03T10:00:00-05:00,call,,no_answer,America/New_York,alice\n"   # cooldown
    "c4,A1,2026-03-03T10:00:00,call,,no_answer,America/New_York,alice\n"         # bad: no offset
    "c5,A2,2026-03-03T10:00:00-05:00,fax,,,America/New_York,carol\n"             # bad: channel
    "c6,A2,2026-03-03T11:00:00-05:00,sms,,delivered,America/New_York,carol\n"
    "c7,A3,2026-03-03T12:00:00-05:00,email,,delivered,Mars/Base,carol\n"         # bad: tz
    "c8,A3,2026-03-03T13:00:00-05:00,letter,,,America/New_York,carol\n"
    "c9,A2,2026-03-04T09:00:00-05:00,email,,delivered,America/New_York,carol\n"
    "c10,A2,2026-03-04T22:30:00-05:00,sms,,delivered,America/New_York,dave\n"  # hours
)


@pytest.fixture
def log(tmp_path):
    def write(text: str, name: str = "log.csv") -> str:
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        return str(path)
    return write


def test_ten_records_three_bad_rows_reported_by_line_and_the_other_seven_checked(run_cli, log):
    path = log(TEN)
    result = run_cli("contacts", path, "--pack", "us-federal", "--format", "json")
    assert result.code == 2  # rejected records, after the rest was checked
    assert "Traceback" not in result.err
    doc = json.loads(result.out)
    s = doc["summary"]
    assert (s["read"], s["checked"], s["rejected"]) == (10, 7, 3)
    problems = parse_problems(result.err)
    assert [(int(p["line"]), p["path"]) for p in problems] == [(5, "$.time"), (6, "$.channel"), (8, "$.tz")]
    assert all(p["file"] == path for p in problems)
    rejected = [f for f in doc["findings"] if f["kind"] == "input"]
    assert [(f["line"], f["event"]) for f in rejected] == [(5, "c4"), (6, "c5"), (8, "c7")]
    judged = [(f["rule"], f["event"]) for f in doc["findings"] if f["kind"] != "input"]
    assert judged == [("US-HOURS-001", "c1"), ("US-COOLDOWN-001", "c3"), ("US-HOURS-001", "c10")]
    assert s["by_agent"] == {"alice": 2, "dave": 1}


def test_json_output_and_exit_1_on_error_findings(run_cli, log):
    path = log(HEADER + "c1,A1,2026-03-02T07:00:00-05:00,call,,no_answer,America/New_York,alice\n")
    result = run_cli("contacts", path, "--pack", "us-federal", "--format", "json")
    assert result.code == 1, result.err
    doc = json.loads(result.out)
    assert set(doc) == {"summary", "findings"}
    (f,) = doc["findings"]
    assert {"rule", "pack", "pack_version", "kind", "severity", "message", "citation", "event", "account", "related",
            "local_time", "line", "agent"} <= set(f)
    assert doc["summary"]["packs"] == [{"id": "us-federal", "version": f["pack_version"]}]


def test_clean_log_exits_0_and_warnings_only_fail_with_fail_on_warning(run_cli, log):
    rows = "".join(f"a{i},A1,2026-03-02T{8 + i:02d}:00:00+08:00,call,,no_answer,,\n" for i in range(1, 8))
    path = log(HEADER + rows)
    assert run_cli("contacts", path, "--pack", "cn-collection").code == 0  # the 7th attempt is a warning
    assert run_cli("contacts", path, "--pack", "cn-collection", "--fail-on", "warning").code == 1


def test_jsonl_and_csv_formats_and_stdin(run_cli):
    text = HEADER + "c1,A1,2026-03-02T07:00:00-05:00,call,,no_answer,America/New_York,alice\n"
    result = run_cli("contacts", "-", "--pack", "us-federal", "--format", "jsonl", stdin=text)
    lines = [json.loads(x) for x in result.out.splitlines()]
    assert lines[0]["rule"] == "US-HOURS-001" and lines[-1]["summary"]["read"] == 1
    result = run_cli("contacts", "-", "--pack", "us-federal", "--format", "csv", stdin=text)
    rows = list(csv.DictReader(io.StringIO(result.out)))
    assert rows[0]["event"] == "c1" and rows[0]["rule"] == "US-HOURS-001" and rows[0]["line"] == "2"


def test_text_format_names_log_line_rule_and_counts(run_cli, log):
    path = log(TEN)
    out = run_cli("contacts", path, "--pack", "us-federal").out
    assert f"{path}:2: error US-HOURS-001 [hours] c1" in out
    assert f"{path}:5: rejected: time:" in out
    assert "10 records read, 7 checked, 3 rejected" in out


def test_unordered_log_is_sorted_and_gives_the_same_findings(run_cli, log):
    lines = TEN.splitlines(keepends=True)
    shuffled = log(lines[0] + "".join(reversed(lines[1:])), "shuffled.csv")
    a = json.loads(run_cli("contacts", log(TEN), "--pack", "us-federal", "--format", "json").out)
    b = json.loads(run_cli("contacts", shuffled, "--pack", "us-federal", "--format", "json").out)
    pick = lambda doc: sorted((f["rule"], f.get("event")) for f in doc["findings"])  # noqa: E731
    assert pick(a) == pick(b)
    assert b["summary"]["order"].startswith("not time-ordered")


@pytest.mark.parametrize("argv, stdin, words", [
    (["contacts", "missing.csv", "--pack", "us-federal"], "", "missing.csv:1:1: $: cannot read"),
    (["contacts", "-", "--pack", "us-federal"], "id,acount,time,channel\n", "unknown column 'acount'"),
    (["contacts", "-"], HEADER, "no rule pack selected"),
    (["contacts", "-", "--pack", "nope"], HEADER, "unknown pack 'nope'"),
    (["next-contact", "-", "--account", "A1", "--channel", "call", "--pack", "us-federal", "--after", "2026-03-02T10:00"],
     HEADER, "--after"),
    (["next-contact", "-", "--account", "A1", "--channel", "fax", "--pack", "us-federal"], HEADER, "invalid choice"),
    (["next-contact", "-", "--account", "A1", "--channel", "call", "--pack", "us-federal", "--tz", "Mars/Base"], HEADER, "--tz"),
])
def test_bad_input_is_one_line_and_exit_2_never_a_traceback(run_cli, argv, stdin, words):
    result = run_cli(*argv, stdin=stdin)
    assert result.code == 2
    assert "Traceback" not in result.err
    assert words in result.err


def test_garbage_and_binary_logs_never_traceback():
    for data in ("\x00\x01\x02,,,\n\n", '{"id": 1}\n{not json\n', "id,account,time,channel\n\"unterminated,\n"):
        result = run_subprocess("contacts", "-", "--pack", "us-federal", stdin=data)
        assert result.code in (1, 2), result.err
        assert "Traceback" not in result.err


def test_next_contact_json_and_text(run_cli, log):
    path = log(HEADER + "c1,A1,2026-03-02T10:00:00-05:00,call,,conversation,America/New_York,alice\n")
    result = run_cli("next-contact", path, "--account", "A1", "--channel", "call", "--after", "2026-03-02T12:00:00-05:00",
                     "--pack", "us-federal", "--format", "json")
    assert result.code == 0, result.err
    doc = json.loads(result.out)
    assert doc["allowed_at"] == "2026-03-09T08:00:00-04:00"
    assert [b["rule"] for b in doc["blocked_by"]] == ["US-COOLDOWN-001", "US-HOURS-001"]
    assert set(doc["blocked_by"][0]) >= {"rule", "kind", "until"}
    text = run_cli("next-contact", path, "--account", "A1", "--channel", "call", "--after", "2026-03-02T12:00:00-05:00",
                   "--pack", "us-federal").out
    assert "allowed at 2026-03-09T08:00:00-04:00" in text and "US-COOLDOWN-001" in text


def test_next_contact_with_rejected_records_answers_and_exits_2(run_cli, log):
    path = log(TEN)
    result = run_cli("next-contact", path, "--account", "A1", "--channel", "sms", "--after", "2026-03-05T12:00:00-05:00",
                     "--pack", "us-federal", "--format", "json")
    assert result.code == 2
    assert json.loads(result.out)["allowed_at"] == "2026-03-05T12:00:00-05:00"
    assert len(parse_problems(result.err)) == 3


def test_the_installed_command_runs_contacts():
    result = run_subprocess("contacts", "-", "--pack", "us-federal", "--pack", "us-ma", "--format", "json",
                            stdin=HEADER + "c1,A1,2026-03-02T09:00:00-05:00,call,,no_answer,America/New_York,a\n", script=True)
    assert result.code == 0, result.err
    assert json.loads(result.out)["summary"]["checked"] == 1


def test_a_record_without_any_zone_is_rejected_where_a_pack_has_no_default(run_cli, tmp_path):
    pack = tmp_path / "nozone.yaml"
    pack.write_text("id: nozone\nversion: 1.0.0\ntitle: No zone\nrules:\n"
                    "  - id: H\n    kind: hours\n    severity: error\n    message: m\n"
                    "    windows: [{start: \"08:00\", end: \"21:00\"}]\n", encoding="utf-8")
    text = HEADER + "c1,A1,2026-03-02T10:00:00Z,call,,,,\nc2,A1,2026-03-02T10:00:00Z,call,,,UTC,\n"
    result = run_cli("contacts", "-", "--pack", str(pack), "--format", "json", stdin=text)
    assert result.code == 2
    (p,) = parse_problems(result.err)
    assert (int(p["line"]), p["path"]) == (2, "$.tz") and "no time zone" in p["message"]
    assert json.loads(result.out)["summary"]["checked"] == 1
    result = run_cli("next-contact", "-", "--account", "A1", "--channel", "call", "--after", "2026-03-02T12:00:00Z",
                     "--pack", str(pack), "--format", "json", stdin=text)
    assert result.code == 2 and "no time zone" in result.err
    assert json.loads(result.out)["allowed_at"] == "2026-03-02T12:00:00+00:00"
