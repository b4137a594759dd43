"""Contact-log records: CSV and JSONL reading, validation, and the schema they implement."""
from __future__ import annotations

import io
import json
from pathlib import Path

import jsonschema
import pytest

from compliance_check.contacts.records import Record, RecordBuilder, read_log
from compliance_check.errors import InputError

SCHEMA = json.loads((Path(__file__).parent.parent / "compliance_check" / "schemas" / "contact-record.schema.json").read_text())


def _read(text: str) -> list:
    return list(read_log(io.StringIO(text), "log.csv"))


def test_csv_with_any_column_order_and_empty_cells_as_absent():
    items = _read("channel,time,id,account,debtor,consent,outcome\n"
                  "call,2026-03-02T10:00:00Z,c1,A1,,,\n"
                  "sms,2026-03-02T11:00:00+08:00,c2,A2,D9,true,delivered\n")
    a, b = items
    assert (a.id, a.account, a.debtor, a.direction, a.party, a.outcome, a.consent) == ("c1", "A1", "A1", "outbound", "debtor", None, False)
    assert (b.debtor, b.consent, b.outcome, b.line) == ("D9", True, "delivered", 3)


def test_jsonl_is_recognised_and_null_is_absent():
    items = _read('\n{"id": "j1", "account": "A1", "time": "2026-03-02T10:00:00Z", "channel": "email", "outcome": null}\n')
    (r,) = items
    assert isinstance(r, Record) and r.line == 2 and r.outcome is None


@pytest.mark.parametrize("row, field, words", [
    ("c1,A1,2026-03-02T10:00:00,call", "time", "no UTC offset"),
    ("c1,A1,yesterday,call", "time", "not an ISO 8601"),
    ("c1,A1,2026-03-02T10:00:00Z,fax", "channel", "'fax' is not one of"),
    (",A1,2026-03-02T10:00:00Z,call", "id", "missing"),
    ("c1,,2026-03-02T10:00:00Z,call", "account", "missing"),
])
def test_each_bad_value_is_named_by_line_and_field(row, field, words):
    (bad,) = _read("id,account,time,channel\n" + row + "\n")
    assert not isinstance(bad, Record)
    assert bad.line == 2
    assert any(f == field and words in m for f, m in bad.problems), bad.problems


def test_other_fields_are_validated_too():
    text = ("id,account,time,channel,direction,party,outcome,tz,phone,consent\n"
            "c1,A1,2026-03-02T10:00:00Z,call,sideways,boss,hung_up,Mars/Base,12345,maybe\n")
    (bad,) = _read(text)
    assert {f for f, _ in bad.problems} == {"direction", "party", "outcome", "tz", "phone", "consent"}


def test_duplicate_ids_are_rejected_after_the_first():
    items = _read("id,account,time,channel\nc1,A1,2026-03-02T10:00:00Z,call\nc1,A2,2026-03-02T11:00:00Z,call\n")
    assert isinstance(items[0], Record)
    assert items[1].problems == [("id", "duplicate id 'c1': ids are unique within the log")]


def test_a_short_row_is_rejected_and_blank_lines_are_skipped():
    items = _read("id,account,time,channel\n\nc1,A1\nc2,A1,2026-03-02T10:00:00Z,call\n")
    assert [getattr(i, "line") for i in items] == [3, 4]
    assert "row has 2 cells" in items[0].problems[0][1]


def test_a_bad_header_is_an_input_error_naming_the_column():
    with pytest.raises(InputError) as e:
        _read("id,acount,time,channel\nc1,A1,2026-03-02T10:00:00Z,call\n")
    text = str(e.value)
    assert "log.csv:1:1: $.acount: unknown column 'acount'" in text
    assert "$.account: the header has no 'account' column" in text


def test_the_fast_path_and_the_full_check_agree():
    # the second row takes the fast path (everything seen valid before); the third must not
    text = ("id,account,time,channel,tz,phone\n"
            "c1,A1,2026-03-02T10:00:00Z,call,America/New_York,+12125550100\n"
            "c2,A1,2026-03-02T11:00:00Z,call,America/New_York,+12125550100\n"
            "c3,A1,2026-03-02T12:00:00,call,America/New_York,+12125550100\n"
            "c2,A1,2026-03-02T13:00:00Z,call,America/New_York,+12125550100\n")
    items = _read(text)
    assert [isinstance(i, Record) for i in items] == [True, True, False, False]
    assert items[2].problems[0][0] == "time" and items[3].problems[0][0] == "id"


VALID = [
    {"id": "a", "account": "A", "time": "2026-03-02T10:00:00Z", "channel": "call"},
    {"id": "b", "account": "A", "debtor": "D", "time": "2026-03-02T10:00:00+08:00", "channel": "sms", "direction": "inbound",
     "party": "third_party", "outcome": "opt_out", "tz": "Asia/Shanghai America/New_York", "phone": "+8613800138000",
     "consent": True, "agent": "bot-7"},
]
INVALID = [
    {"id": "a", "account": "A", "time": "2026-03-02T10:00:00Z"},
    {"id": "a", "account": "A", "time": "2026-03-02T10:00:00Z", "channel": "pigeon"},
    {"id": "a", "account": "A", "time": "2026-03-02T10:00:00Z", "channel": "call", "colour": "red"},
    {"id": "a", "account": "A", "time": "2026-03-02T10:00:00Z", "channel": "call", "phone": "2125550100"},
    {"id": "a", "account": "A", "time": "2026-03-02T10:00:00Z", "channel": "call", "consent": "yes"},
    {"id": "a", "account": "A", "time": "2026-03-02T10:00:00Z", "channel": "call", "consent": "true"},  # CSV spelling, not JSON
    {"id": 7, "account": "A", "time": "2026-03-02T10:00:00Z", "channel": "call"},
]


@pytest.mark.parametrize("record", VALID)
def test_schema_and_reader_accept_the_same_valid_records(record):
    jsonschema.validate(record, SCHEMA)
    assert isinstance(RecordBuilder().from_mapping(1, record), Record)


@pytest.mark.parametrize("record", INVALID)
def test_schema_and_reader_reject_the_same_invalid_records(record):
    assert list(jsonschema.Draft202012Validator(SCHEMA).iter_errors(record))
    assert not isinstance(RecordBuilder().from_mapping(1, record), Record)
