"""The `compliance-check` command: message, messages, packs show/test, exit codes."""
from __future__ import annotations

import json
from pathlib import Path
import subprocess
import sys

import pytest

from conftest import fixture_path, run_subprocess

BASIC = fixture_path("basic.yaml")
ORDER = fixture_path("order.yaml")


# --- message -------------------------------------------------------------------------------

def test_message_json_shape(run_cli):
    text = "你这个老赖，把你发到通讯录"
    result = run_cli("message", text, "--pack", BASIC, "--format", "json")
    assert result.code == 1
    doc = json.loads(result.out)
    assert set(doc) == {"verdict", "findings", "packs"}
    assert doc["verdict"] == "block"
    assert doc["packs"] == [{"id": "fx-basic", "version": "1.2.3"}]
    assert [f["rule"] for f in doc["findings"]] == ["FX-INSULT", "FX-CONTACTS"]
    for f in doc["findings"]:
        assert {"rule", "pack", "pack_version", "kind", "category", "severity", "message", "span", "line", "column", "matched"} <= set(f)
        assert text[f["span"]["start"]:f["span"]["end"]] == f["matched"]


def test_message_from_stdin(run_cli):
    result = run_cli("message", "-", "--pack", BASIC, "--format", "json", stdin="你个老-赖\n")
    doc = json.loads(result.out)
    (f,) = doc["findings"]
    assert f["matched"] == "老-赖"
    assert f["span"] == {"start": 2, "end": 5}  # the trailing newline is not part of the message


def test_message_clean_exits_0(run_cli):
    result = run_cli("message", "请您按时还款，谢谢", "--pack", BASIC, "--format", "json")
    assert result.code == 0
    assert json.loads(result.out)["verdict"] == "pass"
    assert json.loads(result.out)["findings"] == []


@pytest.mark.parametrize(
    "text, fail_on, code",
    [
        ("你这个老赖", "error", 1),
        ("你的通讯录", "error", 0),  # warning only
        ("你的通讯录", "warning", 1),
        ("你的通讯录", "info", 1),
        ("提醒您还款", "warning", 0),  # info only
        ("提醒您还款", "info", 1),
        ("请按时还款", "info", 0),  # nothing at all
    ],
)
def test_fail_on_exit_codes(run_cli, text, fail_on, code):
    result = run_cli("message", text, "--pack", ORDER, "--fail-on", fail_on)
    assert result.code == code, result.out


def test_default_fail_on_is_error(run_cli):
    assert run_cli("message", "你的通讯录", "--pack", ORDER).code == 0
    assert run_cli("message", "你这个老赖", "--pack", ORDER).code == 1


def test_message_channel_scopes_required_rule(run_cli):
    sms = run_cli("message", "请按时还款", "--pack", BASIC, "--channel", "sms", "--format", "json")
    email = run_cli("message", "请按时还款", "--pack", BASIC, "--channel", "email", "--format", "json")
    assert [f["rule"] for f in json.loads(sms.out)["findings"]] == ["FX-DISCLOSURE"]
    assert json.loads(email.out)["findings"] == []


def test_message_text_format_names_position_and_rule(run_cli):
    result = run_cli("message", "第一行\n你这个老赖", "--pack", BASIC)
    assert result.code == 1
    assert "<message>:2:4: error FX-INSULT" in result.out
    assert "verdict: block" in result.out


@pytest.mark.parametrize(
    "argv",
    [
        ["message", "你好"],  # no pack selected
        ["message", "你好", "--pack", BASIC, "--fail-on", "fatal"],
        ["message", "你好", "--pack", BASIC, "--channel", "fax"],
        ["message", "你好", "--pack", "fx-no-such-bundled-pack"],
        ["frobnicate"],
    ],
)
def test_usage_errors_exit_2_with_one_line(run_cli, argv):
    result = run_cli(*argv)
    assert result.code == 2
    assert "Traceback" not in result.err
    assert len(result.err.strip().splitlines()) == 1, result.err


# --- messages (JSON Lines) ---------------------------------------------------------------

MIXED_LINES = [
    json.dumps({"id": 1, "text": "你这个老赖"}, ensure_ascii=False),
    '{"id": 2, "text": "unterminated',
    json.dumps({"id": 3}),
    json.dumps({"id": 4, "text": "您好", "channel": "fax"}),
    json.dumps({"id": 5, "text": "请按时还款", "channel": "sms"}, ensure_ascii=False),
    json.dumps({"id": "six", "text": "您好，本月账单已出"}, ensure_ascii=False),
]


def write_jsonl(tmp_path, lines, name="in.jsonl"):
    path = tmp_path / name
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return str(path)


def test_messages_bad_lines_reported_in_place_and_rest_checked(run_cli, tmp_path):
    path = write_jsonl(tmp_path, MIXED_LINES)
    result = run_cli("messages", path, "--pack", BASIC)
    assert result.code == 2
    out = [json.loads(line) for line in result.out.splitlines()]
    assert len(out) == len(MIXED_LINES)
    assert out[0]["id"] == 1 and out[0]["verdict"] == "block"
    assert [f["matched"] for f in out[0]["findings"]] == ["老赖"]
    for index, line_number in ((1, 2), (2, 3), (3, 4)):
        assert set(out[index]) == {"line", "error"}
        assert out[index]["line"] == line_number
        assert out[index]["error"]
    assert "text" in out[2]["error"]
    assert "channel" in out[3]["error"]
    assert out[4]["id"] == 5 and out[4]["verdict"] == "warn"
    assert [f["rule"] for f in out[4]["findings"]] == ["FX-DISCLOSURE"]
    assert out[5] == {"id": "six", "verdict": "pass", "findings": []}
    # and one problem line per bad input line on stderr, naming the file and line
    err = result.err.splitlines()
    assert [line.split(":")[:2] for line in err] == [[path, "2"], [path, "3"], [path, "4"]]
    assert "Traceback" not in result.err


def test_messages_from_stdin(run_cli):
    result = run_cli("messages", "-", "--pack", BASIC, stdin="\n".join(MIXED_LINES) + "\n")
    assert result.code == 2
    out = [json.loads(line) for line in result.out.splitlines()]
    assert [o.get("id", o.get("line")) for o in out] == [1, 2, 3, 4, 5, "six"]


def test_messages_json_format_keeps_errors_in_order(run_cli, tmp_path):
    path = write_jsonl(tmp_path, MIXED_LINES)
    result = run_cli("messages", path, "--pack", BASIC, "--format", "json")
    assert result.code == 2
    doc = json.loads(result.out)
    assert [r.get("id", r.get("line")) for r in doc["results"]] == [1, 2, 3, 4, 5, "six"]
    assert doc["packs"] == [{"id": "fx-basic", "version": "1.2.3"}]


@pytest.mark.parametrize(
    "texts, fail_on, code",
    [
        (["您好", "本月账单已出"], "error", 0),
        (["您好", "你这个老赖"], "error", 1),
        (["您好", "我们明天就去法院"], "error", 0),  # a warning only
        (["您好", "我们明天就去法院"], "warning", 1),
    ],
)
def test_messages_all_good_exit_by_findings(run_cli, tmp_path, texts, fail_on, code):
    lines = [json.dumps({"id": i, "text": t}, ensure_ascii=False) for i, t in enumerate(texts, 1)]
    result = run_cli("messages", write_jsonl(tmp_path, lines), "--pack", BASIC, "--fail-on", fail_on)
    assert result.code == code
    assert result.err == ""
    out = [json.loads(line) for line in result.out.splitlines()]
    assert [o["id"] for o in out] == list(range(1, len(texts) + 1))


def test_messages_missing_file_is_input_error(run_cli, tmp_path):
    result = run_cli("messages", str(tmp_path / "nope.jsonl"), "--pack", BASIC)
    assert result.code == 2
    assert result.err.startswith(str(tmp_path / "nope.jsonl") + ":1:1: ")


def test_messages_subprocess(tmp_path):
    path = write_jsonl(tmp_path, MIXED_LINES)
    result = run_subprocess("messages", path, "--pack", BASIC)
    assert result.code == 2
    assert "Traceback" not in result.err
    out = [json.loads(line) for line in result.out.splitlines()]
    assert [o.get("id", o.get("line")) for o in out] == [1, 2, 3, 4, 5, "six"]


# --- packs show / test ---------------------------------------------------------------------

def test_packs_show_json_includes_inherited_rules(run_cli):
    # a folder gives a child together with its parent; show resolves to the child
    result = run_cli("packs", "show", fixture_path("extends"), "--format", "json")
    assert result.code == 0, result.err
    doc = json.loads(result.out)
    assert doc["id"] == "fx-child"
    defined_in = {r["id"]: r["defined_in"] for r in doc["rules"]}
    assert defined_in == {"P-KEEP": "fx-parent", "P-OVERRIDE": "fx-child", "P-VARIANT": "fx-parent", "C-NEW": "fx-child"}


def test_packs_show_child_alone_cannot_find_parent(run_cli):
    result = run_cli("packs", "show", fixture_path("extends", "child.yaml"), "--format", "json")
    assert result.code == 2
    assert "Traceback" not in result.err
    assert "fx-parent" in result.err


def test_packs_show_json(run_cli):
    result = run_cli("packs", "show", BASIC, "--format", "json")
    assert result.code == 0
    doc = json.loads(result.out)
    assert (doc["id"], doc["version"]) == ("fx-basic", "1.2.3")
    assert [r["id"] for r in doc["rules"]] == [
        "FX-INSULT", "FX-CONTACTS", "FX-COURT", "FX-LATIN", "FX-NEAR", "FX-DISCLOSURE", "FX-PII", "FX-PATTERN",
    ]


def test_packs_test_passing_examples(run_cli):
    result = run_cli("packs", "test", fixture_path("selftest", "passing.yaml"))
    assert result.code == 0, result.out
    assert "0 failures" in result.out


def test_packs_test_failing_example_exits_1_and_names_it(run_cli):
    result = run_cli("packs", "test", fixture_path("selftest", "failing.yaml"))
    assert result.code == 1
    assert "ST-LIAR" in result.out
    assert "他是老赖" in result.out
    assert "1 failures" in result.out


def test_messages_channel_option_is_the_default_per_line(run_cli, tmp_path):
    lines = [
        json.dumps({"id": "a", "text": "请按时还款"}, ensure_ascii=False),
        json.dumps({"id": "b", "text": "请按时还款", "channel": "email"}, ensure_ascii=False),
    ]
    result = run_cli("messages", write_jsonl(tmp_path, lines), "--pack", BASIC, "--channel", "sms")
    out = [json.loads(line) for line in result.out.splitlines()]
    assert [o["verdict"] for o in out] == ["warn", "pass"]
    assert result.code == 0


def test_messages_rejects_a_line_that_is_not_utf8_and_checks_the_rest(run_cli, tmp_path):
    log = tmp_path / "mixed.jsonl"
    log.write_bytes(
        b'{"id": 1, "text": "You deadbeat"}\n'
        b'{"id": 2, "text": "\xff\xfe broken"}\n'
        b'{"id": 3, "text": "Thank you"}\n'
    )
    result = run_cli("messages", str(log), "--pack", "us-federal")
    lines = [json.loads(line) for line in result.out.splitlines()]
    assert [line.get("id", line.get("line")) for line in lines] == [1, 2, 3]
    assert lines[1] == {"line": 2, "error": "not valid UTF-8 at byte 20"}  # the \xff
    assert lines[0]["verdict"] == "block" and lines[2]["verdict"] == "pass"
    assert f"{log}:2:1: not valid UTF-8" in result.err
    assert result.code == 2


def test_message_from_stdin_that_is_not_utf8_is_an_input_error():
    proc = subprocess.run(
        [sys.executable, "-m", "compliance_check", "message", "-", "--pack", "us-federal"],
        input=b"pay now \xff", capture_output=True, timeout=60,
    )
    assert proc.returncode == 2
    assert proc.stderr.decode() == "<stdin>:1:1: $: not valid UTF-8 at byte 9\n"


def test_docs_rules_md_is_generated_from_the_bundled_packs(run_cli):
    """docs/rules.md must be regenerated (`compliance-check packs doc > docs/rules.md`) when a pack changes."""
    result = run_cli("packs", "doc")
    assert result.code == 0
    committed = (Path(__file__).parent.parent / "docs" / "rules.md").read_text(encoding="utf-8")
    assert result.out == committed


def test_packs_doc_counts_terms_and_patterns_per_category(run_cli, tmp_path):
    pack = tmp_path / "counted.yaml"
    pack.write_text(
        "id: counted\nversion: 1.0.0\ntitle: Counted\nrules:\n"
        "  - {id: A, kind: terms, category: insult_profanity, severity: error, message: m, terms: [x, y, z]}\n"
        "  - {id: B, kind: pattern, category: insult_profanity, severity: error, message: m, pattern: 'ab+c'}\n"
        "  - {id: C, kind: near, category: third_party_pressure, severity: error, message: m,"
        " near: {a: [boss], b: [tell, call], within: 5}}\n",
        encoding="utf-8",
    )
    out = run_cli("packs", "doc", str(pack)).out
    assert "## counted 1.0.0: Counted" in out
    assert "| insult_profanity | 2 | 4 |" in out  # three terms and one pattern
    assert "| third_party_pressure | 1 | 3 |" in out  # near phrases on both sides
    assert "| **all** | 3 | 7 |" in out
