"""Contact-log records: read CSV (with a header row) or JSON Lines, validate each record.

The format is ``schemas/contact-record.schema.json``; this module implements it by
hand because a schema validator per record would cost more than the whole audit.
Every line is either a ``Record`` or a ``Rejected`` naming its line and the fields
that are wrong; nothing is dropped silently. Ids are unique within the log: the
second use of an id is rejected (so the set of ids seen grows with the log).
"""
from __future__ import annotations

import csv
import json
import re
from datetime import datetime
from itertools import chain
from operator import itemgetter
from typing import IO, Any, Iterable, Iterator

from ..errors import InputError, Problem
from .zones import ZoneError, zones_for_tz

FIELDS = ("id", "account", "debtor", "time", "channel", "direction", "party", "outcome", "tz", "phone", "consent", "agent")
REQUIRED = ("id", "account", "time", "channel")
CHANNELS = ("call", "sms", "email", "letter", "visit", "chat")
DIRECTIONS = ("outbound", "inbound")
PARTIES = ("debtor", "third_party")
OUTCOMES = ("conversation", "voicemail", "no_answer", "not_connected", "delivered", "failed", "cease_request", "opt_out")
_CHANNEL_SET = frozenset(CHANNELS)
_OUTCOME_SET = frozenset(OUTCOMES)
_BOOLEANS = {"true": True, "false": False, "TRUE": True, "FALSE": False, "True": True, "False": False}
_E164 = re.compile(r"\+[1-9][0-9]{6,14}")


class Record:
    """One valid contact. ``ts`` is the POSIX timestamp of ``time``; ``zones`` the zones
    its own ``tz`` names (``None``: zones come from the phone or the pack)."""

    __slots__ = ("id", "account", "debtor", "time", "ts", "sig", "channel", "direction", "party", "outcome",
                 "consent", "tz", "phone", "agent", "line", "zones")

    def __init__(self, id: str, account: str, debtor: str, time: datetime, sig: tuple, tz: str | None,
                 phone: str | None, agent: str | None, line: int, zones: tuple | None):
        self.id = id
        self.account = account
        self.debtor = debtor
        self.time = time
        self.ts = time.timestamp()
        # what contact rules filter on: records with equal signatures match the same rules
        self.sig = sig
        self.channel, self.direction, self.party, self.outcome, self.consent = sig
        self.tz = tz
        self.phone = phone
        self.agent = agent
        self.line = line
        self.zones = zones


class Rejected:
    """A line that is not a valid record: ``problems`` is [(field, message)]."""

    __slots__ = ("line", "id", "account", "problems")

    def __init__(self, line: int, problems: list[tuple[str, str]], id: str | None = None, account: str | None = None):
        self.line = line
        self.problems = problems
        self.id = id
        self.account = account


def parse_time(value: str) -> datetime:
    """An aware datetime from ISO 8601 text; ``ValueError`` naming what is wrong."""
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        raise ValueError(f"{value!r} is not an ISO 8601 date and time") from None
    if parsed.tzinfo is None or parsed.utcoffset() is None:
        raise ValueError(f"{value!r} has no UTC offset: write e.g. 2026-03-08T07:59:59-05:00 or 2026-03-08T12:59:59Z")
    return parsed


class RecordBuilder:
    """Validates field values into a ``Record`` and remembers the ids seen.

    ``build`` checks every field and says what is wrong. ``build_text`` takes CSV cells
    (``""`` for absent) and first tries a fast path that only looks values up in what
    earlier valid records already showed to be valid (signatures, zone fields, numbers);
    anything new or wrong goes through ``build``."""

    def __init__(self) -> None:
        self.ids: set[str] = set()
        self._sigs: dict[tuple, tuple] = {}  # raw (channel, direction, party, outcome, consent) -> signature
        self._zones: dict[str, tuple] = {}  # tz field -> zones
        self._phones: set[str] = set()

    def build_text(self, line: int, id: str, account: str, debtor: str, time: str, channel: str, direction: str,
                   party: str, outcome: str, tz: str, phone: str, consent: str, agent: str) -> Record | Rejected:
        sig = self._sigs.get((channel, direction, party, outcome, consent))
        if sig is not None and id and account and time:
            try:
                parsed = datetime.fromisoformat(time)
            except ValueError:
                parsed = None
            if parsed is not None and parsed.tzinfo is not None:
                zones = self._zones.get(tz) if tz else None
                if (zones is not None or not tz) and (not phone or phone in self._phones or _E164.fullmatch(phone)):
                    ids = self.ids
                    seen = len(ids)
                    ids.add(id)
                    if len(ids) > seen:  # a new id (one hash lookup instead of two)
                        return Record(id, account, debtor or account, parsed, sig, tz or None, phone or None, agent or None, line, zones)
        return self.build(line, id or None, account or None, debtor or None, time or None, channel or None,
                          direction or None, party or None, outcome or None, tz or None, phone or None,
                          consent or None, agent or None)

    def build(self, line: int, id: Any, account: Any, debtor: Any, time: Any, channel: Any, direction: Any,
              party: Any, outcome: Any, tz: Any, phone: Any, consent: Any, agent: Any) -> Record | Rejected:
        """Absent fields are ``None``; values are as read (strings, or JSON values)."""
        problems: list[tuple[str, str]] = []
        raw_direction, raw_party, raw_consent = direction, party, consent
        for name, value in (("id", id), ("account", account), ("time", time), ("channel", channel)):
            if value is None:
                problems.append((name, "required field is missing"))
            elif not isinstance(value, str) or not value:
                problems.append((name, "must be a non-empty string"))
        for name, value in (("debtor", debtor), ("tz", tz), ("phone", phone), ("agent", agent)):
            if value is not None and not isinstance(value, str):
                problems.append((name, "must be a string"))
        parsed = None
        if isinstance(time, str) and time:
            try:
                parsed = parse_time(time)
            except ValueError as exc:
                problems.append(("time", str(exc)))
        if isinstance(channel, str) and channel and channel not in _CHANNEL_SET:
            problems.append(("channel", f"{channel!r} is not one of {', '.join(CHANNELS)}"))
        if direction is None:
            direction = "outbound"
        elif direction != "outbound" and direction != "inbound":
            problems.append(("direction", f"{direction!r} is not one of {', '.join(DIRECTIONS)}"))
        if party is None:
            party = "debtor"
        elif party != "debtor" and party != "third_party":
            problems.append(("party", f"{party!r} is not one of {', '.join(PARTIES)}"))
        if outcome is not None and outcome not in _OUTCOME_SET:
            problems.append(("outcome", f"{outcome!r} is not one of {', '.join(OUTCOMES)}"))
        if consent is None:
            consent = False
        elif not isinstance(consent, bool):
            flag = _BOOLEANS.get(consent) if isinstance(consent, str) else None
            if flag is None:
                problems.append(("consent", f"{consent!r} is not true or false"))
            consent = bool(flag)
        if isinstance(phone, str) and not _E164.fullmatch(phone):
            problems.append(("phone", f"{phone!r} is not an E.164 number (+ country code and digits, e.g. +12125550100)"))
        zones = None
        if isinstance(tz, str):
            try:
                zones = zones_for_tz(tz)
            except ZoneError as exc:
                problems.append(("tz", str(exc)))
        if isinstance(id, str) and id:
            if id in self.ids:
                problems.append(("id", f"duplicate id {id!r}: ids are unique within the log"))
            elif not problems:
                self.ids.add(id)
        if problems:
            return Rejected(line, problems, id if isinstance(id, str) else None, account if isinstance(account, str) else None)
        sig = (channel, direction, party, outcome, consent)
        if isinstance(raw_consent, (str, type(None))):
            # remember what was valid, as CSV spells it, for build_text's fast path
            self._sigs[(channel, raw_direction or "", raw_party or "", outcome or "", raw_consent or "")] = sig
        if tz is not None:
            self._zones[tz] = zones
        if phone is not None:
            self._phones.add(phone)
        return Record(id, account, debtor or account, parsed, sig, tz, phone, agent, line, zones)

    def from_mapping(self, line: int, data: Any) -> Record | Rejected:
        """A record from a JSON object (or an HTTP request's record)."""
        if not isinstance(data, dict):
            return Rejected(line, [("$", "expected a JSON object")])
        unknown = [k for k in data if k not in FIELDS]
        if unknown:
            return Rejected(line, [(str(k), f"unknown field {k!r} (fields: {', '.join(FIELDS)})") for k in unknown],
                            _str_or_none(data.get("id")), _str_or_none(data.get("account")))
        get = data.get
        consent = get("consent")
        if consent is not None and not isinstance(consent, bool):
            return Rejected(line, [("consent", f"{consent!r} is not true or false (a JSON boolean)")],
                            _str_or_none(get("id")), _str_or_none(get("account")))
        return self.build(line, get("id"), get("account"), get("debtor"), get("time"), get("channel"), get("direction"),
                          get("party"), get("outcome"), get("tz"), get("phone"), get("consent"), get("agent"))


def _str_or_none(value: Any) -> str | None:
    return value if isinstance(value, str) else None


def read_jsonl(lines: Iterable[str], builder: RecordBuilder | None = None) -> Iterator[Record | Rejected]:
    builder = builder or RecordBuilder()
    for number, raw in enumerate(lines, start=1):
        if not raw.strip():
            continue
        try:
            data = json.loads(raw)
        except json.JSONDecodeError as exc:
            yield Rejected(number, [("$", f"invalid JSON at column {exc.colno}: {exc.msg}")])
            continue
        yield builder.from_mapping(number, data)


def read_csv(lines: Iterable[str], name: str, builder: RecordBuilder | None = None) -> Iterator[Record | Rejected]:
    """Records under a header row naming the fields (in any order); an empty cell is absent."""
    builder = builder or RecordBuilder()
    reader = csv.reader(lines)
    header: list[str] | None = None
    for row in reader:
        if row and any(cell.strip() for cell in row):
            header = [cell.strip() for cell in row]
            break
    if header is None:
        return
    header_line = reader.line_num
    unknown = [h for h in header if h not in FIELDS]
    missing = [f for f in REQUIRED if f not in header]
    duplicated = sorted({h for h in header if header.count(h) > 1})
    problems = [Problem(name, header_line, 1, f"$.{h}", f"unknown column {h!r} in the header (fields: {', '.join(FIELDS)})") for h in unknown]
    problems += [Problem(name, header_line, 1, f"$.{f}", f"the header has no {f!r} column (required)") for f in missing]
    problems += [Problem(name, header_line, 1, f"$.{h}", f"column {h!r} appears twice in the header") for h in duplicated]
    if problems:
        raise InputError(problems)
    width = len(header)
    where = {f: header.index(f) for f in header}
    # Every field in FIELDS order; a field the log has no column for reads the empty cell
    # appended to each row (index ``width``).
    cells = itemgetter(*[where.get(f, width) for f in FIELDS])
    build = builder.build_text
    for row in reader:
        if len(row) != width:
            if not row or (len(row) == 1 and not row[0].strip()):
                continue  # a blank line
            yield Rejected(reader.line_num, [("$", f"row has {len(row)} cells, the header has {width}")])
            continue
        row.append("")
        yield build(reader.line_num, *cells(row))


def read_log(stream: IO[str], name: str) -> Iterator[Record | Rejected]:
    """CSV or JSON Lines, told apart by the first character that is not white space."""
    first = ""
    head: list[str] = []
    for raw in stream:
        head.append(raw)
        if raw.strip():
            first = raw.lstrip()[0]
            break
    lines = chain(head, stream)
    if first == "{":
        return read_jsonl(lines)
    return read_csv(lines, name)
