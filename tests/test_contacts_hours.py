"""hours rules beyond the bundled ones: weekday windows, dated exceptions, 24:00, and next-contact over them."""
from __future__ import annotations

from datetime import datetime

import pytest

from compliance_check import load_packs
from compliance_check.contacts.audit import Auditor
from compliance_check.contacts.next_contact import next_contact

from contact_util import build, call

PACK = """id: fx-hours
version: 1.0.0
title: Hours
default_timezone: Europe/London
rules:
  - id: H
    kind: hours
    severity: error
    message: closed
    match: {direction: [outbound]}
    windows:
      - {days: [mon, tue, wed, thu, fri], start: "09:00", end: "12:00"}
      - {days: [mon, tue, wed, thu, fri], start: "13:00", end: "24:00"}
      - {days: [sat], start: "10:00", end: "14:00", end_inclusive: true}
    dates:
      - {date: "2026-12-25", windows: []}
      - {date: "2026-12-26", windows: [{start: "11:00", end: "12:00"}]}
"""


@pytest.fixture(scope="module")
def auditor(tmp_path_factory):
    path = tmp_path_factory.mktemp("hours") / "hours.yaml"
    path.write_text(PACK, encoding="utf-8")
    return Auditor(load_packs([str(path)]))


@pytest.mark.parametrize("time, violation", [
    ("2026-12-21T08:59:59Z", True),    # Monday, before the first window
    ("2026-12-21T09:00:00Z", False),
    ("2026-12-21T12:00:00Z", True),    # the lunch gap (end exclusive)
    ("2026-12-21T23:59:59Z", False),   # open until 24:00
    ("2026-12-19T14:00:00Z", False),   # Saturday, inclusive end
    ("2026-12-19T14:00:01Z", True),
    ("2026-12-20T12:00:00Z", True),    # Sunday: no window
    ("2026-12-25T10:00:00Z", True),    # Friday, but a dated exception with no window
    ("2026-12-26T11:30:00Z", False),   # Saturday with its own dated window
    ("2026-12-26T13:00:00Z", True),    # ... which replaces Saturday's usual one
])
def test_weekday_windows_and_dated_exceptions(auditor, time, violation):
    findings = auditor.audit_unordered(build([call("c", time)])).findings
    assert bool(findings) == violation


def test_next_contact_skips_a_closed_day(auditor):
    answer = next_contact(auditor, [], "A1", "call", datetime.fromisoformat("2026-12-25T00:00:00+00:00"))
    # Christmas closed, Boxing Day (Saturday) open 11:00-12:00 only
    assert answer.to_dict()["allowed_at"] == "2026-12-26T11:00:00+00:00"
