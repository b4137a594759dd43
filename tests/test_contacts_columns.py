"""The audit's fast paths give what the plain ones give: local readings from the per-hour
offset cache, CSV read a chunk at a time, findings made from kept tuples, frequency
windows of keys whose days go backwards."""
from __future__ import annotations

import csv
import dataclasses
import io
import zoneinfo
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from compliance_check.contacts import records as records_module
from compliance_check.contacts.records import FIELDS, Record, RecordBuilder, read_log
from compliance_check.contacts.zones import LocalClock
from compliance_check.findings import Finding

from contact_util import auditor, build

UTC = timezone.utc
# DST at 02:00 local (New York), at a half-hour UTC instant (St John's, -03:30), by half
# an hour (Lord Howe), at midnight (Santiago: the clock goes back to the previous day),
# and a +05:45 zone without DST.
ZONES = [ZoneInfo(z) for z in ("America/New_York", "America/St_Johns", "Australia/Lord_Howe", "America/Santiago",
                               "Asia/Kathmandu")]
TRANSITIONS = [datetime(2026, 3, 8, 7, tzinfo=UTC), datetime(2026, 11, 1, 6, tzinfo=UTC),  # New York
               datetime(2026, 3, 8, 5, 30, tzinfo=UTC), datetime(2026, 11, 1, 4, 30, tzinfo=UTC),  # St John's
               datetime(2026, 4, 4, 15, tzinfo=UTC), datetime(2026, 10, 3, 15, 30, tzinfo=UTC),  # Lord Howe
               datetime(2026, 4, 5, 3, tzinfo=UTC), datetime(2026, 9, 6, 4, tzinfo=UTC)]  # Santiago


def _reading(ts: float, z: ZoneInfo) -> float:
    """The wall clock in ``z`` at ``ts`` as seconds since 1970-01-01 00:00 local."""
    local = datetime.fromtimestamp(ts, z).replace(tzinfo=None)
    return (local - datetime(1970, 1, 1)).total_seconds()


instants = st.tuples(st.sampled_from(TRANSITIONS), st.integers(-3 * 3600, 3 * 3600), st.integers(0, 999_999)).map(
    lambda t: (t[0] + timedelta(seconds=t[1], microseconds=t[2])).timestamp())


@settings(max_examples=150, deadline=None)
@given(times=st.lists(instants, min_size=1, max_size=40), zones=st.lists(st.sampled_from(ZONES), min_size=40, max_size=40),
       in_order=st.booleans())
def test_local_readings_and_days_agree_with_zoneinfo_across_offset_changes(times, zones, in_order):
    if in_order:
        times.sort()
    zone_tuples = [(z,) for z in zones[:len(times)]]
    clock = LocalClock()
    readings = clock.locals(times, zone_tuples)
    expected = [_reading(t, z) for t, (z,) in zip(times, zone_tuples)]
    assert readings == pytest.approx(expected, abs=1e-6)
    days = clock.days(readings)
    first = min(days)
    assert [d - first for d in days] == [int(e // 86400) - int(min(expected) // 86400) for e in expected]


def test_one_hour_of_records_in_order_reads_every_zone_right():
    # the usual batch: all within one UTC hour, one offset looked up a zone
    start = datetime(2026, 3, 8, 6, 0, 0, tzinfo=UTC).timestamp()
    times = [start + 60 * k for k in range(60)]
    zones = [(ZONES[k % len(ZONES)],) for k in range(60)]
    assert LocalClock().locals(times, zones) == [_reading(t, z) for t, (z,) in zip(times, zones)]


def test_no_zone_of_the_tz_database_changes_its_offset_twice_within_an_hour():
    # LocalClock caches an hour's offset when its first and last second agree: exact
    # unless an offset changes and changes back within the hour
    from zoneinfo import _common
    from zoneinfo._tzpath import find_tzfile

    checked = 0
    for key in sorted(zoneinfo.available_timezones()):
        path = find_tzfile(key)
        with (open(path, "rb") if path else _common.load_tzdata(key)) as f:
            transitions = _common.load_data(f)[1]
        assert all(b - a >= 3600 for a, b in zip(transitions, transitions[1:])), key
        checked += 1
    assert checked > 300


ROW = st.fixed_dictionaries({
    "id": st.sampled_from(["a", "b", "c", "d", "", "a b", "x\ny"]),
    "account": st.sampled_from(["A1", "A2", "", "A,3"]),
    "time": st.sampled_from(["2026-03-02T10:00:00Z", "2026-03-02T10:00:00", "2026-03-08T06:59:59.5+00:00", "soon"]),
    "channel": st.sampled_from(["call", "sms", "fax", ""]),
    "outcome": st.sampled_from(["", "conversation", "opt_out", "hung_up"]),
    "tz": st.sampled_from(["", "America/New_York", "America/New_York Asia/Shanghai", "Mars/Base"]),
    "phone": st.sampled_from(["", "+12125550100", "12345", "+1212\n5550100"]),
    "consent": st.sampled_from(["", "true", "FALSE", "maybe"]),
    "agent": st.sampled_from(["", "bot \"7\"", "ag\n2"]),
})


def _reference(text: str) -> list:
    """Row by row, as a plain csv.reader and the record check read a log."""
    reader = csv.reader(io.StringIO(text, newline=""))
    header = next(reader)
    builder = RecordBuilder()
    out = []
    for row in reader:
        if len(row) != len(header):
            if row and not (len(row) == 1 and not row[0].strip()):
                out.append(("rejected", reader.line_num, [("$", f"row has {len(row)} cells, the header has {len(header)}")]))
            continue
        cells = dict(zip(header, row))
        out.append(_item(builder.build(reader.line_num, *[cells.get(f) or None for f in FIELDS])))
    return out


def _item(item) -> tuple:
    if isinstance(item, Record):
        return ("record", item.line, item.id, item.account, item.debtor, item.time, item.sig, item.tz, item.phone,
                item.agent, item.zones)
    return ("rejected", item.line, item.problems)


@settings(max_examples=120, deadline=None)
@given(rows=st.lists(ROW, min_size=0, max_size=25), chunk=st.integers(1, 6),
       blank=st.lists(st.integers(0, 25), max_size=3), quote_all=st.booleans())
def test_csv_read_by_chunks_gives_what_a_row_by_row_read_gives(rows, chunk, blank, quote_all):
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\n", quoting=csv.QUOTE_ALL if quote_all else csv.QUOTE_MINIMAL)
    writer.writerow(list(ROW_FIELDS))
    for i, row in enumerate(rows):
        if i in blank:
            out.write("\n" if i % 2 else "x,y\n")  # a blank line, a short row
        writer.writerow([row[f] for f in ROW_FIELDS])
    text = out.getvalue()
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(records_module, "CHUNK", chunk)
        assert [_item(i) for i in read_log(io.StringIO(text, newline=""), "log.csv")] == _reference(text)


ROW_FIELDS = ("id", "account", "time", "channel", "outcome", "tz", "phone", "consent", "agent")


def test_a_quoted_cell_over_a_chunk_boundary_keeps_the_row_and_the_line_numbers(monkeypatch):
    monkeypatch.setattr(records_module, "CHUNK", 2)
    text = ('id,account,time,channel,agent\nc1,A1,2026-03-02T10:00:00Z,call,x\nc2,A1,2026-03-02T11:00:00Z,call,"two\n'
            'lines"\nc3,A1,2026-03-02T12:00:00Z,call,y\n')
    items = list(read_log(io.StringIO(text, newline=""), "log.csv"))
    assert [(i.id, i.line, i.agent) for i in items] == [("c1", 2, "x"), ("c2", 4, "two\nlines"), ("c3", 5, "y")]


def test_findings_are_whole_frozen_findings():
    items = build([{"id": "c1", "account": "A1", "time": "2026-03-02T02:00:01Z", "channel": "call", "agent": "a7",
                    "tz": "America/New_York"}])
    (finding,) = auditor("us-federal").audit(lambda: iter(items)).findings
    plain = Finding(**{f.name: getattr(finding, f.name) for f in dataclasses.fields(Finding)})
    assert finding == plain and hash(finding) == hash(plain) and finding.to_dict() == plain.to_dict()
    assert (finding.rule, finding.event, finding.agent, finding.local_time) == ("US-HOURS-001", "c1", "a7",
                                                                               "2026-03-01T21:00:01-05:00")
    with pytest.raises(dataclasses.FrozenInstanceError):
        finding.line = 3  # type: ignore[misc]


@settings(max_examples=80, deadline=None)
@given(steps=st.lists(st.tuples(st.integers(1, 30 * 3600), st.sampled_from(["Pacific/Kiritimati", "Pacific/Pago_Pago",
                                                                           "America/Santiago"])),
                      min_size=1, max_size=30))
def test_frequency_counts_calendar_days_when_a_key_reads_earlier_days(steps):
    # Zones 25 hours apart: a later call of the account can fall on an earlier local day.
    # Brute force: a placed call on day d is a finding when more than 2 placed calls of
    # the account fall on days d-6..d, counting it and those before it.
    at = datetime(2026, 3, 30, tzinfo=UTC)
    records, days = [], []
    for i, (gap, tz) in enumerate(steps):
        at += timedelta(seconds=gap)
        records.append({"id": f"c{i}", "account": "A1", "time": at.isoformat(), "channel": "call",
                        "outcome": "no_answer", "tz": tz})
        days.append(at.astimezone(ZoneInfo(tz)).toordinal())
    expected = []
    for i, d in enumerate(days):
        inside = [f"c{k}" for k in range(i) if d - 6 <= days[k] <= d]
        if len(inside) >= 2:
            expected.append((f"c{i}", tuple(inside)))
    items = build(records)
    found = [(f.event, f.related) for f in auditor("us-ma").audit(lambda: iter(items)).findings if f.rule == "US-MA-FREQ-001"]
    assert found == expected


def test_one_auditor_serves_several_threads_at_once():
    # the service shares an auditor between its threads: signature numbers and role
    # tables grow under a lock, so audits at once find what they find one at a time
    from concurrent.futures import ThreadPoolExecutor

    logs = []
    for t in range(6):
        records = [{"id": f"t{t}-{i}", "account": f"A{i % 3}", "time": f"2026-03-0{2 + i % 5}T1{i % 10}:00:00Z",
                    "channel": ["call", "sms", "email", "visit", "chat"][(i + t) % 5],
                    "direction": ["outbound", "inbound"][(i * t) % 2],
                    "outcome": ["conversation", "no_answer", "opt_out", "cease_request", "failed"][(i + 2 * t) % 5],
                    "consent": (i + t) % 3 == 0, "tz": "America/New_York"} for i in range(40)]
        records.sort(key=lambda r: r["time"])
        logs.append(build(records))
    shared = auditor("us-federal", "us-ma", "cn-collection")
    alone = [[(f.rule, f.event, f.related) for f in shared.audit(lambda items=items: iter(items)).findings] for items in logs]
    with ThreadPoolExecutor(6) as pool:
        together = list(pool.map(lambda items: [(f.rule, f.event, f.related) for f in shared.audit(lambda: iter(items)).findings],
                                 logs * 4))
    assert together == alone * 4
