"""Contact rules in the pack format: loading, errors with positions, and their place
beside message rules (the message checker ignores them; `packs test` runs their logs)."""
from __future__ import annotations

import pytest

from compliance_check import Checker, load_packs
from compliance_check.errors import InputError

from conftest import parse_problems

HEAD = "id: fx-contacts\nversion: 1.0.0\ntitle: Contacts\ndefault_timezone: America/New_York\nrules:\n"
HOURS = ("  - id: H1\n    kind: hours\n    severity: error\n    message: night\n"
         "    match: {direction: [outbound]}\n    windows:\n      - {start: \"08:00\", end: \"21:00\", end_inclusive: true}\n")
TERMS = "  - id: T1\n    kind: terms\n    category: insult_profanity\n    severity: error\n    message: m\n    terms: [deadbeat]\n"


def _pack(tmp_path, body: str):
    path = tmp_path / "pack.yaml"
    path.write_text(HEAD + body, encoding="utf-8")
    return str(path)


def _problems(tmp_path, body: str) -> list[str]:
    with pytest.raises(InputError) as e:
        load_packs([_pack(tmp_path, body)])
    return [str(p) for p in e.value.problems]


def test_contact_rules_load_with_their_fields_and_position(tmp_path):
    (pack,) = load_packs([_pack(tmp_path, TERMS + HOURS)])
    rule = pack.rules[1]
    assert (rule.id, rule.kind, rule.category, rule.line) == ("H1", "hours", None, 12)
    assert rule.params["windows"][0]["end_inclusive"] is True


def test_the_message_checker_ignores_contact_rules(tmp_path):
    checker = Checker(load_packs([_pack(tmp_path, HOURS + TERMS)]))
    assert [f.rule for f in checker.check("you deadbeat at 23:00").findings] == ["T1"]
    assert checker.check("call at night").verdict == "pass"


@pytest.mark.parametrize("body, where, words", [
    (HOURS.replace('"21:00"', "21:00"), "$.rules[0].windows[0].end", "write the time in quotes"),
    (HOURS.replace('"21:00"', '"9pm"'), "$.rules[0].windows[0].end", "not a time of day"),
    (HOURS.replace('"21:00"', '"07:00"'), "$.rules[0].windows[0].end", "not after its start"),
    (HOURS.replace("direction: [outbound]", "direction: [sideways]"), "$.rules[0].match.direction[0]", "sideways"),
    (HOURS.replace("match:", "macth:"), "$.rules[0].macth", "did you mean 'match'"),
    ("  - {id: F1, kind: frequency, severity: error, message: m, days: 7, match: {channel: [call]}}\n", "$.rules[0]", "'max' is a required"),
    ("  - {id: F1, kind: frequency, severity: warning, message: m, max: 2, days: 7, match: {outcome: [no_answer], outcome_not: [no_answer]}}\n",
     "$.rules[0].match.outcome_not", "selects no record"),
    ("  - {id: C1, kind: cease, severity: error, message: m, match: {direction: [outbound]}}\n", "$.rules[0]", "'trigger' is a required"),
    ("  - {id: Q1, kind: telepathy, severity: error, message: m}\n", "$.rules[0].kind", "opt_out"),
    (HOURS.replace("    match:", "    max: 3\n    match:"), "$.rules[0].max", "'max' does not apply to hours rules"),
])
def test_bad_contact_rules_are_named_by_line_and_path(tmp_path, body, where, words):
    problems = _problems(tmp_path, body)
    assert any(where in p and words in p for p in problems), problems


def test_packs_test_runs_example_logs_and_reports_a_failing_one(run_cli, tmp_path):
    good = HOURS + ("    example_logs:\n      violating:\n"
                    "        - - {id: x, account: A, time: \"2026-03-02T07:00:00-05:00\", channel: call}\n"
                    "      compliant:\n"
                    "        - - {id: y, account: A, time: \"2026-03-02T09:00:00-05:00\", channel: call}\n")
    result = run_cli("packs", "test", _pack(tmp_path, good))
    assert result.code == 0 and "1 rules, 2 examples, 0 failures" in result.out
    bad = good.replace("T09:00:00", "T22:00:00")
    result = run_cli("packs", "test", _pack(tmp_path, bad))
    assert result.code == 1
    assert "H1: compliant example log 1: gives a finding on 'y'" in result.out


def test_packs_validate_names_a_bad_contact_rule(run_cli, tmp_path):
    result = run_cli("packs", "validate", _pack(tmp_path, HOURS.replace('"21:00"', "21:00")))
    assert result.code == 2
    (p,) = parse_problems(result.err)
    assert p["path"] == "$.rules[0].windows[0].end" and int(p["line"]) == 12


def test_bundled_state_packs_load_beside_us_federal():
    packs = load_packs(["us-federal", "us-ma", "us-nyc", "us-wa", "us-ca"])
    assert [p.jurisdiction for p in packs] == ["US", "US-MA", "US-NYC", "US-WA", "US-CA"]
    (ca,) = [p for p in packs if p.id == "us-ca"]
    assert all(r.params.get("policy") for r in ca.rules)  # California has no number: a policy default
    (nyc,) = [p for p in packs if p.id == "us-nyc"]
    assert "not confirmed" in nyc.rules[0].description
