"""The cn-collection contact rules at their boundaries (issue 4, acceptance)."""
from __future__ import annotations

import pytest

from contact_util import audit, call, events, fired

P = "cn-collection"


@pytest.mark.parametrize("clock, violation", [
    ("07:59:59", True), ("08:00:00", False), ("21:59:59", False), ("22:00:00", True), ("23:30:00", True),
])
def test_hours_edges_in_beijing_time_by_default(clock, violation):
    log = [{"id": "m1", "account": "A1", "time": f"2026-03-02T{clock}+08:00", "channel": "sms"}]
    assert events(log, "CN-HOURS-001", P) == (["m1"] if violation else [])


def test_hours_judge_the_local_clock_not_the_written_offset():
    # 23:59:59Z is 07:59:59 the next morning in Beijing
    assert events([call("c1", "2026-03-01T23:59:59Z")], "CN-HOURS-001", P) == ["c1"]
    assert events([call("c1", "2026-03-02T00:00:00Z")], "CN-HOURS-001", P) == []


def test_hours_skip_consented_contacts_and_letters():
    log = [
        call("c1", "2026-03-02T23:00:00+08:00", consent=True),
        {"id": "l1", "account": "A1", "time": "2026-03-02T23:00:01+08:00", "channel": "letter"},
    ]
    assert events(log, "CN-HOURS-001", P) == []


def _conversation(id: str, account: str, clock: str, day: str = "2026-03-02", **extra) -> dict:
    return call(id, f"{day}T{clock}+08:00", account, debtor="D1", outcome="conversation", **extra)


def test_third_conversation_of_a_debtor_across_two_accounts_is_allowed_and_the_fourth_is_an_error():
    log = [_conversation("v1", "A1", "09:00:00"), _conversation("v2", "A2", "10:00:00"), _conversation("v3", "A1", "11:00:00")]
    assert events(log, "CN-FREQ-CONV-001", P) == []
    log.append(_conversation("v4", "A2", "12:00:00", consent=True))  # consent does not matter here
    (f,) = [f for f in audit(log, P).findings if f.rule == "CN-FREQ-CONV-001"]
    assert (f.event, f.severity, f.related) == ("v4", "error", ("v1", "v2", "v3"))


def test_conversation_count_starts_again_each_beijing_day():
    log = [_conversation(f"v{i}", "A1", f"{20 + i}:00:00") for i in range(1, 4)]  # 21:00, 22:00, 23:00
    log.append(_conversation("v4", "A2", "00:00:00", day="2026-03-03"))
    assert events(log, "CN-FREQ-CONV-001", P) == []


def test_conversations_of_other_debtors_and_unanswered_calls_do_not_count():
    log = [_conversation("v1", "A1", "09:00:00"), _conversation("v2", "A2", "10:00:00"),
           call("x", "2026-03-02T10:30:00+08:00", "A3", debtor="D2", outcome="conversation"),
           call("y", "2026-03-02T10:40:00+08:00", "A1", debtor="D1", outcome="no_answer"),
           _conversation("v3", "A1", "11:00:00")]
    assert events(log, "CN-FREQ-CONV-001", P) == []


MOBILE = "+8613800138000"


def _attempt(i: int, phone: str | None = MOBILE, outcome: str = "no_answer", account: str = "A1") -> dict:
    extra = {"phone": phone} if phone else {}
    return call(f"a{i}", f"2026-03-02T{8 + i:02d}:00:00+08:00", account, outcome=outcome, **extra)


def test_sixth_unanswered_attempt_to_one_number_is_allowed_and_the_seventh_is_a_warning():
    log = [_attempt(i, outcome="no_answer" if i % 2 else "not_connected") for i in range(1, 7)]
    assert events(log, "CN-FREQ-ATTEMPT-001", P) == []
    log.append(_attempt(7, account="A2"))  # same number, another account: still the same number
    (f,) = [f for f in audit(log, P).findings if f.rule == "CN-FREQ-ATTEMPT-001"]
    assert (f.event, f.severity, len(f.related)) == ("a7", "warning", 6)


def test_attempts_count_per_number_and_per_debtor_without_one():
    log = [_attempt(i) for i in range(1, 7)] + [_attempt(7, phone="+8613900139000")]
    assert events(log, "CN-FREQ-ATTEMPT-001", P) == []
    no_number = [_attempt(i, phone=None) for i in range(1, 8)]
    assert events(no_number, "CN-FREQ-ATTEMPT-001", P) == ["a7"]


def test_a_record_with_only_a_chinese_mobile_number_is_judged_in_beijing_time():
    (f,) = audit([call("p1", "2026-03-01T23:30:00Z", phone=MOBILE)], P).findings
    assert (f.rule, f.local_time) == ("CN-HOURS-001", "2026-03-02T07:30:00+08:00")
    # under a pack whose default zone is New York the number still says Beijing
    (f,) = audit([call("p1", "2026-03-01T23:30:00Z", phone=MOBILE)], "us-federal").findings
    assert (f.rule, f.local_time) == ("US-HOURS-001", "2026-03-02T07:30:00+08:00")


def test_a_us_number_under_the_chinese_pack_is_judged_where_the_number_is():
    # 13:30Z is 21:30 in Beijing (fine there) but 08:30 in New York: fine; 11:30Z is 06:30 in New York
    assert events([call("p1", "2026-03-02T13:30:00Z", phone="+12125550100")], "CN-HOURS-001", P) == []
    assert events([call("p1", "2026-03-02T11:30:00Z", phone="+12125550100")], "CN-HOURS-001", P) == ["p1"]
