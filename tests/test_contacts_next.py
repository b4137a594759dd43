"""next-contact: the earliest lawful instant, and its agreement with the audit."""
from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta, timezone

from hypothesis import HealthCheck, given, settings, target
from hypothesis import strategies as st

from compliance_check.contacts.next_contact import NEXT_ID, OUTCOMES, hypothetical, next_contact
from compliance_check.contacts.records import Record
from compliance_check.contacts.zones import earliest_instants, record_zones

from contact_util import NY, auditor, build, call

UTC = timezone.utc
PACKS = ("us-federal", "us-ma", "us-wa", "cn-collection")


def _at(text: str) -> datetime:
    return datetime.fromisoformat(text)


def test_now_when_nothing_blocks():
    log = build([call("c1", "2026-03-02T10:00:00-05:00", tz=NY)])
    answer = next_contact(auditor("us-federal"), log, "A1", "sms", _at("2026-03-02T12:00:00-05:00"))
    assert answer.to_dict() == {"allowed_at": "2026-03-02T12:00:00-05:00", "blocked_by": []}


def test_after_a_conversation_the_next_call_is_day_eight_at_eight():
    log = build([call("talk", "2026-03-02T10:00:00-05:00", tz=NY, outcome="conversation")])
    answer = next_contact(auditor("us-federal"), log, "A1", "call", _at("2026-03-02T12:00:00-05:00")).to_dict()
    assert answer["allowed_at"] == "2026-03-09T08:00:00-04:00"  # day 8, after the change to summer time
    assert {b["rule"]: b["until"] for b in answer["blocked_by"]} == {
        "US-COOLDOWN-001": "2026-03-09T00:00:00-04:00", "US-HOURS-001": "2026-03-09T08:00:00-04:00",
    }
    # a text is not a call: only the hours matter
    sms = next_contact(auditor("us-federal"), log, "A1", "sms", _at("2026-03-02T12:00:00-05:00"))
    assert sms.to_dict()["allowed_at"] == "2026-03-02T12:00:00-05:00"


def test_cease_means_never():
    log = build([{"id": "req", "account": "A1", "time": "2026-03-02T10:00:00-05:00", "channel": "letter",
                  "direction": "inbound", "outcome": "cease_request", "tz": NY}])
    answer = next_contact(auditor("us-federal"), log, "A1", "email", _at("2026-03-03T12:00:00-05:00")).to_dict()
    assert answer == {"allowed_at": None, "blocked_by": [{"rule": "US-CEASE-001", "pack": "us-federal", "kind": "cease", "until": None}]}
    # before the request, contact was still allowed
    early = next_contact(auditor("us-federal"), log, "A1", "email", _at("2026-03-02T09:00:00-05:00"))
    assert early.to_dict()["allowed_at"] == "2026-03-02T09:00:00-05:00"


def test_frequency_reopens_when_the_oldest_counted_call_leaves_the_window():
    log = build([call(f"c{i}", f"2026-03-0{1 + i}T12:00:00-05:00", tz=NY, outcome="no_answer") for i in range(1, 8)])
    answer = next_contact(auditor("us-federal"), log, "A1", "call", _at("2026-03-08T13:00:00-04:00")).to_dict()
    assert answer["allowed_at"] == "2026-03-09T08:00:00-04:00"  # c1 (day 1) leaves the 7-day window on day 8
    assert answer["blocked_by"][0]["rule"] == "US-FREQ-001"


def test_cn_unanswered_attempts_block_the_rest_of_the_beijing_day_for_that_number():
    log = build([call(f"a{i}", f"2026-03-02T{8 + i:02d}:00:00+08:00", phone="+8613800138000", outcome="no_answer")
                 for i in range(1, 7)])
    answer = next_contact(auditor("cn-collection"), log, "A1", "call", _at("2026-03-02T15:00:00+08:00")).to_dict()
    assert answer["allowed_at"] == "2026-03-03T08:00:00+08:00"
    only_connected = next_contact(auditor("cn-collection"), log, "A1", "call", _at("2026-03-02T15:00:00+08:00"),
                                  outcomes=("conversation",))
    assert only_connected.to_dict()["allowed_at"] == "2026-03-02T15:00:00+08:00"


def test_zones_too_far_apart_for_any_common_hour_mean_never():
    log = build([call("c1", "2026-03-02T10:00:00-05:00", tz="Europe/London Asia/Shanghai America/Los_Angeles")])  # 08:00-21:00 never holds in all three
    answer = next_contact(auditor("us-federal"), log, "A1", "call", _at("2026-03-02T12:00:00-05:00"))
    assert answer.allowed_at is None


# --- agreement with the audit, over random logs, zones and daylight-saving changes -------------

ZONES = ["America/New_York", "America/Los_Angeles", "Europe/London", "Australia/Lord_Howe", "America/Santiago",
         "Asia/Shanghai", "America/St_Johns", "Pacific/Chatham"]
# a few days before a change of clocks somewhere: US (Mar 8, Nov 1), EU (Mar 29, Oct 25),
# Lord Howe and Santiago (Apr 5), Chatham (Apr 5, Sep 27)
BASES = [datetime(2026, 3, 5, tzinfo=UTC), datetime(2026, 3, 26, tzinfo=UTC), datetime(2026, 4, 2, tzinfo=UTC),
         datetime(2026, 9, 24, tzinfo=UTC), datetime(2026, 10, 22, tzinfo=UTC), datetime(2026, 10, 29, tzinfo=UTC)]
PHONES = ["+12125550100", "+14155550100", "+8613800138000", "+442071234567"]
DEBTOR = {"A1": "D1", "A2": "D1", "A3": "D2"}
SPAN = 8 * 86400

identity = st.one_of(
    st.tuples(st.sampled_from(ZONES), st.none()),
    st.tuples(st.lists(st.sampled_from(ZONES), min_size=2, max_size=2, unique=True).map(" ".join), st.none()),
    st.tuples(st.none(), st.sampled_from(PHONES)),
    st.tuples(st.none(), st.none()),  # the packs' default zones
)
record = st.tuples(
    st.sampled_from(["A1", "A1", "A2", "A3"]),
    st.integers(0, SPAN),
    st.sampled_from(["call", "call", "call", "call", "sms", "email", "letter", "visit"]),
    st.sampled_from(["outbound", "outbound", "outbound", "inbound"]),
    st.sampled_from(["debtor", "debtor", "debtor", "third_party"]),
    st.sampled_from(["conversation", "no_answer", None, "conversation", "not_connected", "no_answer", "voicemail",
                     "delivered", "opt_out", "cease_request", "conversation", "no_answer"]),
    st.booleans(),
)


def _log(base: datetime, identities: dict, rows: list) -> list[dict]:
    out = []
    for i, (account, offset, channel, direction, party, outcome, consent) in enumerate(rows):
        tz, phone = identities[account]
        r = {"id": f"r{i}", "account": account, "debtor": DEBTOR[account],
             "time": (base + timedelta(seconds=offset)).isoformat(), "channel": channel, "direction": direction,
             "party": party, "consent": consent and random.Random(i).random() < 0.3}
        for k, v in (("outcome", outcome), ("tz", tz), ("phone", phone)):
            if v is not None:
                r[k] = v
        out.append(r)
    return out


def _finding_for_contact_at(items: list, account: str, channel: str, ts: float, packs: tuple = PACKS) -> bool:
    """Whether one more contact at ``ts`` gets a finding, for some outcome."""
    at = datetime.fromtimestamp(ts, UTC)
    records = [i for i in items if isinstance(i, Record)]
    for outcome in OUTCOMES:
        contact = hypothetical(records, account, channel, at, outcome)
        findings = auditor(*packs).audit_unordered(items + [contact]).findings
        if any(f.event == NEXT_ID for f in findings):
            return True
    return False


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    base=st.sampled_from(BASES),
    identities=st.fixed_dictionaries({a: identity for a in DEBTOR}),
    rows=st.lists(record, min_size=8, max_size=40),
    account=st.sampled_from(["A1", "A1", "A2", "A3", "A9"]),
    channel=st.sampled_from(["call", "call", "sms", "email", "letter"]),
    after=st.integers(0, SPAN),
    pick=st.randoms(use_true_random=False),
    packs=st.sampled_from([("us-federal",), ("cn-collection",), PACKS]),
)
def test_next_contact_agrees_with_the_audit(base, identities, rows, account, channel, after, pick, packs):
    items = build(_log(base, identities, rows))
    start = base + timedelta(seconds=after)
    answer = next_contact(auditor(*packs), items, account, channel, start)
    # steer the search towards answers that more rules hold back
    target(float(len({b.kind for b in answer.blocked_by})), label="kinds blocking")
    if answer.allowed_at is None:
        assert _finding_for_contact_at(items, account, channel, start.timestamp(), packs)
        assert any(b.until is None for b in answer.blocked_by) or answer.blocked_by
        return
    assert answer.allowed_at >= start.timestamp()
    assert not _finding_for_contact_at(items, account, channel, answer.allowed_at, packs), answer.to_dict()
    if answer.allowed_at - 1 >= start.timestamp():
        assert _finding_for_contact_at(items, account, channel, answer.allowed_at - 1, packs), answer.to_dict()
    else:
        assert answer.blocked_by == []
    # and it is the earliest: where a contact could first become allowed (local midnights,
    # window starts) between the start and the answer, it still gets a finding
    candidates = _turning_points(items, account, channel, start.timestamp(), answer.allowed_at)
    for probe in pick.sample(candidates, min(6, len(candidates))):
        assert _finding_for_contact_at(items, account, channel, probe, packs), (probe, answer.to_dict())


def _turning_points(items: list, account: str, channel: str, start: float, end: float) -> list[float]:
    records = [i for i in items if isinstance(i, Record)]
    contact = hypothetical(records, account, channel, datetime.fromtimestamp(start, UTC))
    zones = {z for default in ("America/New_York", "America/Los_Angeles", "Asia/Shanghai")
             for z in record_zones(contact.zones, contact.phone, default)}
    out = set()
    for z in zones:
        first = datetime.fromtimestamp(start, z).date().toordinal()
        last = datetime.fromtimestamp(end, z).date().toordinal()
        for ordinal in range(first, last + 1):
            for clock in (time(0), time(7, 30), time(8)):
                out.update(t for t in earliest_instants(date.fromordinal(ordinal), clock, z) if start <= t < end)
    return sorted(out)
