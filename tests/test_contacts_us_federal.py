"""The us-federal contact rules at their boundaries (issue 4, acceptance)."""
from __future__ import annotations

import pytest

from contact_util import NY, audit, call, events, fired

P = "us-federal"


# --- hours: 08:00:00-21:00:00 local, inclusive ---------------------------------------------------

@pytest.mark.parametrize("clock, violation", [
    ("07:59:59", True), ("08:00:00", False), ("21:00:00", False), ("21:00:01", True),
    ("12:00:00", False), ("00:00:00", True), ("21:00:00.000001", True),
])
def test_hours_edges(clock, violation):
    log = [call("c1", f"2026-03-02T{clock}-05:00", tz=NY)]
    assert events(log, "US-HOURS-001", P) == (["c1"] if violation else [])


@pytest.mark.parametrize("channel", ["call", "sms", "email", "visit", "chat"])
def test_hours_apply_to_every_outbound_channel_but_letters(channel):
    log = [{"id": "x", "account": "A1", "time": "2026-03-02T22:00:00-05:00", "channel": channel, "tz": NY}]
    assert events(log, "US-HOURS-001", P) == ["x"]


def test_hours_skip_letters_inbound_and_consented_contacts():
    log = [
        {"id": "l", "account": "A1", "time": "2026-03-02T22:00:00-05:00", "channel": "letter", "tz": NY},
        call("in", "2026-03-02T22:01:00-05:00", tz=NY, direction="inbound"),
        call("ok", "2026-03-02T22:02:00-05:00", tz=NY, consent=True),
    ]
    assert events(log, "US-HOURS-001", P) == []


@pytest.mark.parametrize("utc, violation", [
    # 2026-03-08: New York springs forward at 02:00 EST -> 03:00 EDT (UTC-4 from then on)
    ("2026-03-08T11:59:59Z", True),   # 07:59:59 EDT
    ("2026-03-08T12:00:00Z", False),  # 08:00:00 EDT (a fixed UTC-5 would say 07:00)
    ("2026-03-09T01:00:00Z", False),  # 21:00:00 EDT
    ("2026-03-09T01:00:01Z", True),   # 21:00:01 EDT
    # 2026-11-01: falls back at 02:00 EDT -> 01:00 EST (UTC-5 from then on)
    ("2026-11-01T12:59:59Z", True),   # 07:59:59 EST
    ("2026-11-01T13:00:00Z", False),  # 08:00:00 EST
    ("2026-11-01T12:00:00Z", True),   # 07:00:00 EST (the summer offset would say 08:00)
    ("2026-11-02T02:00:00Z", False),  # 21:00:00 EST
    ("2026-11-02T02:00:01Z", True),   # 21:00:01 EST
])
def test_hours_across_daylight_saving_changes_in_new_york(utc, violation):
    log = [call("c1", utc, tz=NY)]
    assert events(log, "US-HOURS-001", P) == (["c1"] if violation else [])


@pytest.mark.parametrize("eastern, violation, zone", [
    ("10:59:59", True, "-08:00"),   # 07:59:59 in Los Angeles
    ("11:00:00", False, None),      # 08:00 in Los Angeles
    ("21:00:00", False, None),      # 18:00 in Los Angeles
    ("21:00:01", True, "-05:00"),   # New York is past 21:00
])
def test_hours_with_two_zones_three_hours_apart_must_hold_in_both(eastern, violation, zone):
    log = [call("c1", f"2026-03-02T{eastern}-05:00", tz="America/New_York America/Los_Angeles")]
    findings = [f for f in audit(log, P).findings if f.rule == "US-HOURS-001"]
    assert bool(findings) == violation
    if violation:
        assert findings[0].local_time.endswith(zone)  # the zone where the time is inconvenient


# --- frequency: more than 7 placed calls on days d-6..d ------------------------------------------

def _week_of_calls(n: int, account: str = "A1", **extra) -> list[dict]:
    # n placed calls, one a day from Monday 2026-03-02 (days 1..n), at noon New York time
    return [call(f"c{i}", f"2026-03-{1 + i:02d}T12:00:00-05:00", account, tz=NY, outcome="no_answer", **extra) for i in range(1, n + 1)]


def test_seventh_call_in_seven_days_is_allowed_and_the_eighth_is_not():
    seven = _week_of_calls(6) + [call("c7", "2026-03-07T18:00:00-05:00", tz=NY, outcome="voicemail")]
    assert events(seven, "US-FREQ-001", P) == []
    eighth = seven + [call("c8", "2026-03-08T09:00:00-04:00", tz=NY, outcome="conversation")]
    found = fired(eighth, P, rule="US-FREQ-001")
    assert found == [("US-FREQ-001", "c8", ("c1", "c2", "c3", "c4", "c5", "c6", "c7"))]


def test_a_call_on_day_eight_counts_only_days_two_to_eight():
    log = _week_of_calls(7) + [call("c8", "2026-03-09T00:00:00-04:00", tz=NY)]  # day 8, just after midnight
    assert events(log, "US-FREQ-001", P) == []
    log.append(call("c9", "2026-03-09T09:00:00-04:00", tz=NY))  # also day 8: c2..c8 and c9 are 8 in days 2..8
    assert events(log, "US-FREQ-001", P) == ["c9"]


def test_days_are_new_york_calendar_days_not_168_hours():
    # c1 at 23:59 on day 1; c8 at 00:00 on day 8 is 6 days 0 hours 1 minute later, yet in
    # a different 7-day window: no finding. The same call a minute earlier (day 7) is one.
    log = [call("c1", "2026-03-02T23:59:00-05:00", tz=NY)] + [
        call(f"c{i}", f"2026-03-{1 + i:02d}T12:00:00-05:00", tz=NY) for i in range(2, 8)
    ]
    assert events(log + [call("c8", "2026-03-09T00:00:00-04:00", tz=NY)], "US-FREQ-001", P) == []
    assert events(log + [call("c8", "2026-03-08T23:59:59-04:00", tz=NY)], "US-FREQ-001", P) == ["c8"]


@pytest.mark.parametrize("extra", [
    {"outcome": "not_connected"}, {"consent": True}, {"direction": "inbound"}, {"party": "third_party"},
])
def test_uncounted_calls(extra):
    log = _week_of_calls(7) + [call("x", "2026-03-08T12:00:00-04:00", tz=NY, **extra)]
    assert events(log, "US-FREQ-001", P) == []


def test_frequency_is_per_account():
    log = _week_of_calls(7) + [call("b8", "2026-03-08T12:00:00-04:00", "B1", tz=NY)]
    assert events(log, "US-FREQ-001", P) == []


def test_frequency_ties_in_time_go_by_log_position():
    same = "2026-03-08T12:00:00-04:00"
    log = _week_of_calls(6) + [call("first", same, tz=NY), call("second", same, tz=NY)]
    assert events(log, "US-FREQ-001", P) == ["second"]
    log = _week_of_calls(6) + [call("second", same, tz=NY), call("first", same, tz=NY)]
    assert events(log, "US-FREQ-001", P) == ["first"]


# --- cooldown: 7 days after a conversation, its day being day 1 ---------------------------------

CONVERSATION = call("talk", "2026-03-02T10:00:00-05:00", tz=NY, direction="inbound", outcome="conversation")


@pytest.mark.parametrize("time, violation", [
    ("2026-03-02T10:00:01-05:00", True),   # same day (day 1)
    ("2026-03-08T23:59:59-04:00", True),   # day 7, last second
    ("2026-03-09T00:00:00-04:00", False),  # day 8, first second
    ("2026-03-12T12:00:00-04:00", False),
])
def test_cooldown_day_seven_and_day_eight(time, violation):
    log = [CONVERSATION, call("next", time, tz=NY, outcome="no_answer")]
    found = fired(log, P, rule="US-COOLDOWN-001")
    assert found == ([("US-COOLDOWN-001", "next", ("talk",))] if violation else [])


def test_cooldown_ignores_uncounted_contacts_and_other_accounts():
    log = [
        CONVERSATION,
        call("nc", "2026-03-03T10:00:00-05:00", tz=NY, outcome="not_connected"),
        call("ok", "2026-03-03T11:00:00-05:00", tz=NY, consent=True),
        {"id": "mail", "account": "A1", "time": "2026-03-03T12:00:00-05:00", "channel": "email", "tz": NY},
        call("other", "2026-03-03T13:00:00-05:00", "B1", tz=NY),
    ]
    assert events(log, "US-COOLDOWN-001", P) == []


def test_cooldown_ties_in_time_go_by_log_position():
    at = "2026-03-02T10:00:00-05:00"
    talk = call("talk", at, tz=NY, outcome="conversation", direction="inbound")
    placed = call("placed", at, tz=NY, outcome="no_answer")
    assert events([talk, placed], "US-COOLDOWN-001", P) == ["placed"]
    assert events([placed, talk], "US-COOLDOWN-001", P) == []


def test_a_conversation_call_is_judged_before_it_starts_its_own_cooldown():
    log = [call("talk", "2026-03-02T10:00:00-05:00", tz=NY, outcome="conversation")]
    assert events(log, "US-COOLDOWN-001", P) == []
    log.append(call("again", "2026-03-04T10:00:00-05:00", tz=NY, outcome="conversation"))
    assert events(log, "US-COOLDOWN-001", P) == ["again"]


# --- cease and opt-out --------------------------------------------------------------------------

def test_cease_blocks_every_outbound_record_after_the_request():
    log = [
        call("before", "2026-03-02T09:00:00-05:00", tz=NY),
        {"id": "req", "account": "A1", "time": "2026-03-02T10:00:00-05:00", "channel": "letter", "direction": "inbound",
         "outcome": "cease_request", "tz": NY},
        {"id": "mail", "account": "A1", "time": "2026-06-01T10:00:00-04:00", "channel": "email", "tz": NY},
        call("reply", "2026-06-01T11:00:00-04:00", tz=NY, direction="inbound"),
        call("other", "2026-06-01T12:00:00-04:00", "B1", tz=NY),
    ]
    assert fired(log, P, rule="US-CEASE-001") == [("US-CEASE-001", "mail", ("req",))]


def test_opt_out_blocks_only_its_channel():
    log = [
        {"id": "stop", "account": "A1", "time": "2026-03-02T10:00:00-05:00", "channel": "sms", "direction": "inbound",
         "outcome": "opt_out", "tz": NY},
        {"id": "sms", "account": "A1", "time": "2026-03-03T10:00:00-05:00", "channel": "sms", "tz": NY},
        {"id": "mail", "account": "A1", "time": "2026-03-03T11:00:00-05:00", "channel": "email", "tz": NY},
    ]
    assert fired(log, P, rule="US-OPTOUT-CONTACT-001") == [("US-OPTOUT-CONTACT-001", "sms", ("stop",))]


def test_findings_carry_rule_citation_local_time_and_agent():
    log = [call("c1", "2026-03-02T07:00:00-05:00", tz=NY, agent="alice")]
    (f,) = audit(log, P).findings
    d = f.to_dict()
    assert d["kind"] == "hours" and d["severity"] == "error" and d["pack"] == "us-federal"
    assert d["event"] == "c1" and d["account"] == "A1" and d["agent"] == "alice" and d["line"] == 1
    assert d["local_time"] == "2026-03-02T07:00:00-05:00"
    assert "1006.6(b)(1)(i)" in d["citation"]
