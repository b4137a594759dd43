"""Time-ordered logs stream with bounded state; logs in any other order give the same findings."""
from __future__ import annotations

import random
from datetime import datetime, timedelta, timezone

from hypothesis import given, settings
from hypothesis import strategies as st

from compliance_check.contacts import audit as audit_module

from contact_util import auditor, build

PACKS = ("us-federal", "us-ma", "cn-collection")
UTC = timezone.utc
BASE = datetime(2026, 3, 5, tzinfo=UTC)

row = st.tuples(
    st.sampled_from(["A1", "A2", "A3"]),
    st.sampled_from(["call", "call", "sms", "email"]),
    st.sampled_from(["outbound", "outbound", "inbound"]),
    st.sampled_from([None, "conversation", "no_answer", "not_connected", "cease_request", "opt_out"]),
    st.sampled_from(["America/New_York", "America/Los_Angeles", "Asia/Shanghai", "America/New_York Asia/Shanghai"]),
)


def _records(rows: list, seconds: list[int]) -> list[dict]:
    out = []
    for i, ((account, channel, direction, outcome, tz), s) in enumerate(zip(rows, seconds)):
        r = {"id": f"r{i}", "account": account, "debtor": "D1" if account != "A3" else "D2",
             "time": (BASE + timedelta(seconds=s)).isoformat(), "channel": channel, "direction": direction, "tz": tz}
        if outcome:
            r["outcome"] = outcome
        out.append(r)
    return out


def _judged(result) -> set:
    return {(f.rule, f.event, f.related) for f in result.findings}


@settings(max_examples=60, deadline=None)
@given(rows=st.lists(row, min_size=1, max_size=40), seed=st.integers(0, 2**32 - 1))
def test_a_shuffled_log_gives_the_same_findings(rows, seed):
    rng = random.Random(seed)
    seconds = sorted(rng.sample(range(10 * 86400), len(rows)))  # distinct times: ties would follow log position
    ordered = build(_records(rows, seconds))
    shuffled_dicts = _records(rows, seconds)
    rng.shuffle(shuffled_dicts)
    shuffled = build(shuffled_dicts)
    first = auditor(*PACKS).audit(lambda: iter(ordered))
    second = auditor(*PACKS).audit(lambda: iter(shuffled))
    assert first.streamed
    assert _judged(first) == _judged(second)
    if [r.id for r in shuffled] != [r.id for r in ordered]:
        assert not second.streamed  # noticed, and sorted


def test_state_is_bounded_by_the_accounts_active_in_the_window(monkeypatch):
    # 3,000 accounts, each active on one day only, 30 a day over 100 days: a streaming audit
    # keeps at most the accounts of the last couple of weeks, not all 3,000.
    monkeypatch.setattr(audit_module, "SWEEP_EVERY", 200)
    records = []
    for day in range(100):
        for k in range(30):
            account = f"A{day * 30 + k}"
            for j in range(3):
                at = BASE + timedelta(days=day, hours=14, minutes=k, seconds=j)
                records.append({"id": f"{account}-{j}", "account": account, "time": at.isoformat(), "channel": "call",
                                "outcome": "no_answer", "tz": "America/New_York"})
    items = build(records)
    result = auditor("us-federal", "us-ma").audit(lambda: iter(items))
    assert result.streamed and result.checked == 9000
    # Two frequency rules keep per-account state: 7-day windows plus slack are about 13 days'
    # accounts (2 x 30 x 13 = 780 keys); a sweep comes once the keys have doubled since the
    # last one left, so up to about twice that between sweeps. Never sweeping would hold
    # 2 x 3,000 = 6,000.
    assert 0 < result.peak_keys < 2 * 2 * 30 * 14, result.peak_keys
