"""Findings are ordered by position then rule id; the verdict is block / warn / pass."""
from __future__ import annotations

import pytest

from compliance_check import Checker, load_packs
from compliance_check.findings import Finding, at_or_above, verdict

from conftest import checker_for, fixture_path


def test_findings_sorted_by_position_then_rule_id():
    text = "老赖，提醒一下，你的通讯录我们都有，老赖"
    result = checker_for("order.yaml").check(text)
    got = [(f.span, f.rule) for f in result.findings]
    assert got == [
        ((0, 2), "A-RULE"),
        ((0, 2), "Z-RULE"),
        ((3, 5), "I-RULE"),
        ((10, 13), "M-RULE"),
        ((18, 20), "A-RULE"),
        ((18, 20), "Z-RULE"),
    ]


def test_findings_across_packs_are_merged_in_order():
    checker = Checker(load_packs([fixture_path("order.yaml"), fixture_path("basic.yaml")]))
    result = checker.check("通讯录里有老赖")
    got = [(f.span, f.rule, f.pack) for f in result.findings]
    assert got == sorted(got, key=lambda g: (g[0][0], g[1]))
    assert [g[0] for g in got] == [(0, 3), (0, 3), (5, 7), (5, 7), (5, 7)]
    assert {p["id"] for p in result.packs} == {"fx-order", "fx-basic"}


@pytest.mark.parametrize(
    "text, expected",
    [
        ("你这个老赖", "block"),  # error + info
        ("你的通讯录", "warn"),  # warning only
        ("提醒您还款", "pass"),  # info only: informs, does not warn
        ("请按时还款", "pass"),  # nothing
    ],
)
def test_verdict(text, expected):
    assert checker_for("order.yaml").check(text).verdict == expected


def test_finding_carries_line_and_column_of_its_start():
    text = "第一行\n第二行有老赖"
    (f,) = [f for f in checker_for("order.yaml").check(text).findings if f.rule == "Z-RULE"]
    assert (f.line, f.column) == (2, 5)
    assert f.span == (8, 10)


def _finding(severity, start=0):
    return Finding(rule="R", pack="p", pack_version="1.0.0", kind="terms", category=None,
                   severity=severity, message="m", span=(start, start + 1))


def test_verdict_and_threshold_functions():
    assert verdict([]) == "pass"
    assert verdict([_finding("info")]) == "pass"
    assert verdict([_finding("info"), _finding("warning")]) == "warn"
    assert verdict([_finding("warning"), _finding("error")]) == "block"
    assert at_or_above([_finding("warning")], "warning")
    assert not at_or_above([_finding("warning")], "error")
    assert at_or_above([_finding("info")], "info")


def test_finding_json_fields():
    (f,) = [f for f in checker_for("basic.yaml").check("你个老赖").findings]
    d = f.to_dict()
    assert d == {
        "rule": "FX-INSULT", "pack": "fx-basic", "pack_version": "1.2.3", "kind": "terms",
        "category": "insult_profanity", "severity": "error", "message": "insult", "citation": "fx-src art. 1",
        "span": {"start": 2, "end": 4}, "line": 1, "column": 3, "matched": "老赖", "suggestion": "be polite",
    }
