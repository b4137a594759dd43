"""``.compliance.yaml``: found by walking up, validated with line and column, settings per glob."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import REPO, parse_problems
from compliance_check.templates.config import load_config

PACK = str(REPO / "tests" / "fixtures" / "templates" / "tpl-pack.yaml")

CONFIG_PROBLEM_CASES = [
    ("packs: [us-federal]\nfail_om: error\n", 2, 1, "$.fail_om", "unknown field 'fail_om'; did you mean 'fail_on'?"),
    ("packs: [us-federal]\npaths:\n  - glob: 'sms/**'\n    channel: fax\n", 4, 14, "$.paths[0].channel", "'fax' is not one of"),
    ("packs: [us-federal]\npaths:\n  - channel: sms\n", 3, 5, "$.paths[0]", "'glob' is a required property"),
    ("packs: us-federal\n", 1, 8, "$.packs", "'us-federal' is not of type 'array'"),
    ("packs: [us-federal]\nfail_on: [error\n", 3, 1, "$", "YAML syntax error"),
    ("packs: [no-such-pack]\n", 1, 8, "$.packs", "unknown pack 'no-such-pack'"),
    (f"packs: ['{PACK}']\npaths:\n  - glob: 'x/**'\n    disable: [US-NOPE-001]\n", 4, 15, "$.paths[0].disable[0]", "unknown rule 'US-NOPE-001'"),
    ("- just\n- a list\n", 1, 1, "$", "the config must be a YAML mapping"),
]


@pytest.mark.parametrize("text,line,col,path,message", CONFIG_PROBLEM_CASES)
def test_config_errors_name_file_line_column_and_field(run_cli, tmp_path, monkeypatch, text, line, col, path, message):
    monkeypatch.chdir(tmp_path)
    (tmp_path / ".compliance.yaml").write_text(text, encoding="utf-8")
    (tmp_path / "a.txt").write_text("hello", encoding="utf-8")
    result = run_cli("templates", "a.txt")
    assert result.code == 2
    (problem,) = parse_problems(result.err)
    assert Path(problem["file"]).name == ".compliance.yaml"
    assert (int(problem["line"]), int(problem["col"]), problem["path"]) == (line, col, path)
    assert message in problem["message"]


def test_config_is_found_by_walking_up_and_globs_are_relative_to_it(run_cli, tmp_path, monkeypatch):
    (tmp_path / ".compliance.yaml").write_text(
        f"packs: ['{PACK}']\n"
        "exclude: ['vendor/**']\n"
        "paths:\n"
        "  - glob: 'sms/**'\n"
        "    channel: sms\n"
        "  - glob: 'sms/cn/**'\n"
        "    packs: [cn-collection]\n"
        "  - glob: 'sms/quiet/**'\n"
        "    disable: [FX-DISCLOSE]\n",
        encoding="utf-8",
    )
    for rel, text in {
        "sms/us.txt": "Pay $5.",                   # sms: the disclosure is required
        "sms/quiet/us.txt": "Pay $5.",             # same, rule disabled here
        "sms/cn/a.txt": "您的借款已逾期。",             # Chinese pack: no contact channel
        "vendor/x.txt": "we'll have you arrested",  # excluded
        "notes/x.txt": "Pay $5.",                  # default pack, channel unknown
    }.items():
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text(text, encoding="utf-8")
    monkeypatch.chdir(tmp_path / "sms")  # the config is one folder up
    data = json.loads(run_cli("templates", "..", "--format", "json").out)
    got = sorted((f["path"], f["rule"]) for f in data["findings"])
    assert got == [("cn/a.txt", "CN-DISCLOSE-001"), ("us.txt", "FX-DISCLOSE")]
    assert data["excluded"] == 2  # vendor/x.txt and the config itself
    assert data["files"] == 4


def test_command_line_packs_replace_the_default_packs(run_cli, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / ".compliance.yaml").write_text(f"packs: ['{PACK}']\n", encoding="utf-8")
    (tmp_path / "a.txt").write_text("你个老赖，We will have you arrested.", encoding="utf-8")
    result = run_cli("templates", "a.txt", "--format", "json")
    assert [(f["rule"], f["column"]) for f in json.loads(result.out)["findings"]] == [("FX-THREAT", 14)]
    result = run_cli("templates", "a.txt", "--pack", str(REPO / "tests" / "fixtures" / "basic.yaml"), "--format", "json")
    assert [(f["rule"], f["column"]) for f in json.loads(result.out)["findings"]] == [("FX-INSULT", 3)]


def test_fail_on_comes_from_the_config_unless_given(run_cli, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / ".compliance.yaml").write_text(f"packs: ['{PACK}']\nfail_on: warning\n", encoding="utf-8")
    (tmp_path / "a.txt").write_text("We will sue you.", encoding="utf-8")  # FX-SUE is a warning
    assert run_cli("templates", "a.txt").code == 1
    assert run_cli("templates", "a.txt", "--fail-on", "error").code == 0


def test_messages_string_judges_each_string_alone(run_cli, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "mail.yaml").write_text(
        "subject: Your account\nbody: This is a debt collector.\n", encoding="utf-8")
    (tmp_path / ".compliance.yaml").write_text(f"packs: ['{PACK}']\nchannel: email\n", encoding="utf-8")
    assert json.loads(run_cli("templates", ".", "--format", "json").out)["findings"] == []
    (tmp_path / ".compliance.yaml").write_text(f"packs: ['{PACK}']\nchannel: email\nmessages: string\n", encoding="utf-8")
    findings = json.loads(run_cli("templates", ".", "--format", "json").out)["findings"]
    assert [(f["key"], f["line"], f["rule"]) for f in findings] == [("$.subject", 1, "FX-DISCLOSE")]


def test_group_reports_a_disclosure_missing_from_every_string_once(run_cli, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / ".compliance.yaml").write_text(f"packs: ['{PACK}']\nchannel: email\n", encoding="utf-8")
    (tmp_path / "mail.yaml").write_text(
        "notice:\n  subject: Your account\n  body: Please pay $5 today.\nother:\n  subject: x\n  body: a debt collector\n",
        encoding="utf-8")
    findings = json.loads(run_cli("templates", ".", "--format", "json").out)["findings"]
    assert [(f["rule"], f["key"], f["line"], f["column"]) for f in findings] == [("FX-DISCLOSE", "$.notice", 2, 12)]


def test_two_repositories_in_one_run_are_refused(run_cli, tmp_path):
    for name in ("one", "two"):
        (tmp_path / name).mkdir()
        (tmp_path / name / ".compliance.yaml").write_text("packs: [us-federal]\n", encoding="utf-8")
    result = run_cli("templates", str(tmp_path / "one"), str(tmp_path / "two"))
    assert result.code == 2 and "different configs" in result.err


def test_the_sample_config_is_valid():
    config = load_config(Path(__file__).resolve().parent.parent / "corpus" / "templates" / ".compliance.yaml")
    assert config.data["packs"] == ["us-federal"]


def test_the_config_schema_is_a_valid_json_schema():
    import jsonschema

    schema = json.loads((REPO / "compliance_check" / "schemas" / "compliance-config.schema.json").read_text("utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)


@pytest.mark.parametrize("path,pattern,expected", [
    ("sms/a.txt", "sms/**", True),
    ("sms/deep/a.txt", "sms/**", True),
    ("sms/deep/a.txt", "sms/*", False),      # * stays within one folder
    ("a.txt", "**/*", True),
    ("x/sms/a.txt", "sms/**", False),        # globs are anchored at the config's folder
    ("email/a.html.j2", "email/*.{html,md}", False),
    ("email/a.html.j2", "email/*.{html.j2,md}", True),
])
def test_glob_semantics(path, pattern, expected):
    from compliance_check.templates.discovery import matches

    assert matches(path, [pattern]) is expected


def test_config_given_on_the_command_line(run_cli, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "ci").mkdir()
    (tmp_path / "ci" / "templates.yaml").write_text(f"packs: ['{PACK}']\nexclude: ['old/**']\n", encoding="utf-8")
    for rel in ("a.txt", "old/b.txt"):
        (tmp_path / rel).parent.mkdir(exist_ok=True)
        (tmp_path / rel).write_text("We'll have you arrested.", encoding="utf-8")
    result = run_cli("templates", ".", "--config", "ci/templates.yaml", "--format", "json")
    # globs are relative to the config's folder (ci/), so old/** does not reach ../old
    assert sorted(f["path"] for f in json.loads(result.out)["findings"]) == ["a.txt", "old/b.txt"]
    missing = run_cli("templates", ".", "--config", "nope.yaml")
    assert missing.code == 2 and missing.err.startswith("nope.yaml:1:1: $: no such file")
