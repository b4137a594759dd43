"""Contact-log records: read CSV (with a header row) or JSON Lines, validate each record.

The format is ``schemas/contact-record.schema.json``; this module implements it by
hand because a schema validator per record would cost more than the whole audit.
Every line is either a valid record or a ``Rejected`` naming its line and the fields
that are wrong; nothing is dropped silently. Ids are unique within the log: the
second use of an id is rejected (so the set of ids seen grows with the log).

A log is read in chunks of a few hundred lines. The valid records of a chunk come as
a ``Batch``, by column (ids, accounts, times, ...), which is what the audit judges;
iterating a ``LogReader`` gives one ``Record`` or ``Rejected`` per line instead.
"""
from __future__ import annotations

import csv
import heapq
import json
import re
import threading
from datetime import datetime
from itertools import chain, islice
from operator import attrgetter
from typing import IO, Any, Iterable, Iterator, Sequence

from ..errors import InputError, Problem
from .zones import Zones, ZoneError, zones_for_tz

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
# A column of phone cells joined by newlines: each empty or E.164 (one regex call a chunk)
_E164_COLUMN = re.compile(r"(?:\+[1-9][0-9]{6,14})?(?:\n(?:\+[1-9][0-9]{6,14})?)*")
CHUNK = 512  # lines read and validated together (small enough to stay in the CPU's caches)

# Signatures, (channel, direction, party, outcome, consent): what contact rules filter
# on. Each distinct one gets a small number (there are 432 possible), so a batch holds
# ints and the audit finds a rule's role by indexing a list.
SIGNATURES: list[tuple] = []
_SIGNATURE_IDS: dict[tuple, int] = {}
_NEW_SIGNATURE = threading.Lock()  # the service audits in several threads


def signature_id(sig: tuple) -> int:
    number = _SIGNATURE_IDS.get(sig)
    if number is None:
        with _NEW_SIGNATURE:
            number = _SIGNATURE_IDS.get(sig)
            if number is None:
                SIGNATURES.append(sig)  # listed before its number is handed out
                number = _SIGNATURE_IDS[sig] = len(SIGNATURES) - 1
    return number


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


class Batch:
    """Valid records in log order, by column (lists or tuples). Absent text fields are
    ``""``; ``debtors`` are filled in from accounts; ``sigs`` are signature numbers
    (``SIGNATURES``)."""

    __slots__ = ("lines", "ids", "accounts", "debtors", "times", "ts", "sigs", "tzs", "zones", "phones", "agents")

    def __init__(self, lines: Sequence[int], ids: Sequence[str], accounts: Sequence[str], debtors: Sequence[str],
                 times: list[datetime], ts: list[float], sigs: list[int], tzs: Sequence[str], zones: list[Zones | None],
                 phones: Sequence[str], agents: Sequence[str]):
        self.lines, self.ids, self.accounts, self.debtors = lines, ids, accounts, debtors
        self.times, self.ts, self.sigs = times, ts, sigs
        self.tzs, self.zones, self.phones, self.agents = tzs, zones, phones, agents

    def __len__(self) -> int:
        return len(self.ids)

    @classmethod
    def of(cls, records: list[Record]) -> Batch:
        return cls([r.line for r in records], [r.id for r in records], [r.account for r in records],
                   [r.debtor for r in records], [r.time for r in records], [r.ts for r in records],
                   [signature_id(r.sig) for r in records], [r.tz or "" for r in records], [r.zones for r in records],
                   [r.phone or "" for r in records], [r.agent or "" for r in records])

    def take(self, keep: list[int]) -> Batch:
        """The records at positions ``keep``."""
        return Batch(*([column[i] for i in keep] for column in (getattr(self, name) for name in self.__slots__)))

    def records(self) -> list[Record]:
        return [Record(id, account, debtor, time, SIGNATURES[sig], tz or None, phone or None, agent or None, line, zones)
                for line, id, account, debtor, time, sig, tz, zones, phone, agent
                in zip(self.lines, self.ids, self.accounts, self.debtors, self.times, self.sigs, self.tzs, self.zones,
                       self.phones, self.agents)]


Chunk = tuple[Batch, list[Rejected]]


def parse_time(value: str) -> datetime:
    """An aware datetime from ISO 8601 text; ``ValueError`` naming what is wrong."""
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        raise ValueError(f"{value!r} is not an ISO 8601 date and time") from None
    if parsed.tzinfo is None or parsed.utcoffset() is None:
        raise ValueError(f"{value!r} has no UTC offset: write e.g. 2026-03-08T07:59:59-05:00 or 2026-03-08T12:59:59Z")
    return parsed


_tzinfo = attrgetter("tzinfo")


class RecordBuilder:
    """Validates field values into records and remembers the ids seen.

    ``build`` checks every field of one record and says what is wrong. ``build_rows``
    takes CSV rows a chunk at a time and first checks each column as a whole against
    what earlier valid records showed to be valid (signatures as CSV spells them, tz
    cells); a chunk with anything new or wrong goes through ``build`` row by row."""

    def __init__(self) -> None:
        self.ids: set[str] = set()
        self._sigs: dict[tuple, int] = {}  # raw (channel, direction, party, outcome, consent) cells -> signature number
        self._tz_cells: dict[str, Zones | None] = {"": None}  # tz cell -> zones

    def build_rows(self, lines: list[int] | range, rows: list[list[str]], where: dict[str, int]) -> Chunk:
        """Rows of a CSV log (all as wide as the header) at ``lines``; ``where`` gives each
        field's column."""
        n = len(rows)
        columns = list(zip(*rows))
        blank = ("",) * n

        def column(name: str) -> tuple:
            index = where.get(name)
            return blank if index is None else columns[index]

        ids, accounts, times, tzs, phones = column("id"), column("account"), column("time"), column("tz"), column("phone")
        sigs = list(map(self._sigs.get, zip(column("channel"), column("direction"), column("party"), column("outcome"),
                                            column("consent"))))
        tz_cells = self._tz_cells
        fast = ("" not in ids and "" not in accounts and "" not in times and None not in sigs
                and all(t in tz_cells for t in set(tzs)))
        if fast and "phone" in where:
            joined = "\n".join(phones)
            fast = joined.count("\n") == n - 1 and _E164_COLUMN.fullmatch(joined) is not None
        if fast:
            fast = self.ids.isdisjoint(ids)
        if fast:
            try:
                parsed = list(map(datetime.fromisoformat, times))
            except ValueError:
                fast = False
            else:
                fast = None not in map(_tzinfo, parsed)
        if fast:
            seen = len(self.ids)
            self.ids.update(ids)
            if len(self.ids) - seen != n:  # an id twice within the chunk: none was seen before it
                self.ids.difference_update(ids)
                fast = False
        if not fast:
            return self._build_each(lines, rows, where)
        debtors = accounts if "debtor" not in where else [d or a for d, a in zip(column("debtor"), accounts)]
        return Batch(lines, ids, accounts, debtors, parsed, list(map(datetime.timestamp, parsed)), sigs, tzs,
                     list(map(tz_cells.__getitem__, tzs)), phones, column("agent")), []

    def _build_each(self, lines: Iterable[int], rows: list[list[str]], where: dict[str, int]) -> Chunk:
        records, rejected = [], []
        width = max(where.values()) + 1
        picks = [where.get(f, width) for f in FIELDS]
        for line, row in zip(lines, rows):
            cells = [(row[i] if i < width else "") or None for i in picks]
            item = self.build(line, *cells)
            (records if item.__class__ is Record else rejected).append(item)
        return Batch.of(records), rejected

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
            # remember what was valid, as CSV spells it, for build_rows's column checks
            self._sigs[(channel, raw_direction or "", raw_party or "", outcome or "", raw_consent or "")] = signature_id(sig)
        if tz is not None:
            self._tz_cells[tz] = zones
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


class LogReader:
    """A log being read: ``chunks()`` gives (batch of valid records, rejected lines) a
    chunk at a time, for the audit; iterating gives each line's ``Record`` or
    ``Rejected`` in log order. Either reads the log once."""

    def __init__(self, chunks: Iterator[Chunk]):
        self._chunks = chunks

    def chunks(self) -> Iterator[Chunk]:
        return self._chunks

    def __iter__(self) -> Iterator[Record | Rejected]:
        for batch, rejected in self._chunks:
            if rejected:
                yield from heapq.merge(batch.records(), rejected, key=attrgetter("line"))
            else:
                yield from batch.records()


def chunks_of(items: Iterable[Record | Rejected]) -> Iterator[Chunk]:
    """Records and rejected lines (as read, or from a request) in chunks."""
    items = iter(items)
    while True:
        group = list(islice(items, CHUNK))
        if not group:
            return
        records = [i for i in group if i.__class__ is Record]
        yield Batch.of(records), [i for i in group if i.__class__ is not Record]


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


def _header(reader: Any, name: str) -> list[str] | None:
    """The header row (the first row that is not blank), checked; None for an empty log."""
    for row in reader:
        if row and any(cell.strip() for cell in row):
            header = [cell.strip() for cell in row]
            break
    else:
        return None
    line = reader.line_num
    unknown = [h for h in header if h not in FIELDS]
    missing = [f for f in REQUIRED if f not in header]
    duplicated = sorted({h for h in header if header.count(h) > 1})
    problems = [Problem(name, line, 1, f"$.{h}", f"unknown column {h!r} in the header (fields: {', '.join(FIELDS)})") for h in unknown]
    problems += [Problem(name, line, 1, f"$.{f}", f"the header has no {f!r} column (required)") for f in missing]
    problems += [Problem(name, line, 1, f"$.{h}", f"column {h!r} appears twice in the header") for h in duplicated]
    if problems:
        raise InputError(problems)
    return header


def _one_row_per_line(lines: list[str]) -> list[list[str]] | None:
    """The rows of ``lines`` when each line holds exactly one row; None when a quoted
    cell may run over a line end (those lines are read again, one row at a time)."""
    try:
        rows = list(csv.reader(lines))
        if len(rows) != len(lines):
            return None
        if '"' in lines[-1]:
            # a quote opened on the last line and not closed reads as a cut-off row
            list(csv.reader(lines[-1:], strict=True))
    except csv.Error:
        return None
    return rows


def read_csv_chunks(lines: Iterable[str], name: str, builder: RecordBuilder | None = None) -> Iterator[Chunk]:
    """Records under a header row naming the fields (in any order); an empty cell is
    absent. Line numbers are the reader's, as for ``csv.reader``'s ``line_num``."""
    builder = builder or RecordBuilder()
    source = iter(lines)
    reader = csv.reader(source)
    header = _header(reader, name)
    if header is None:
        return
    width = len(header)
    where = {f: header.index(f) for f in header}
    done = reader.line_num  # lines read so far
    while True:
        chunk = list(islice(source, CHUNK))
        if not chunk:
            return
        rows = _one_row_per_line(chunk)
        if rows is not None:
            row_lines: list[int] | range = range(done + 1, done + 1 + len(rows))
            done += len(rows)
        else:
            reader = csv.reader(chain(chunk, source))
            rows, row_lines = [], []
            while reader.line_num < len(chunk):
                row = next(reader, None)
                if row is None:
                    break
                rows.append(row)
                row_lines.append(done + reader.line_num)
            done += reader.line_num
        rejected = []
        if set(map(len, rows)) != {width}:
            kept_rows, kept_lines = [], []
            for line, row in zip(row_lines, rows):
                if len(row) == width:
                    kept_rows.append(row)
                    kept_lines.append(line)
                elif row and not (len(row) == 1 and not row[0].strip()):  # else a blank line
                    rejected.append(Rejected(line, [("$", f"row has {len(row)} cells, the header has {width}")]))
            rows, row_lines = kept_rows, kept_lines
        if not rows:
            yield Batch.of([]), rejected
            continue
        batch, bad = builder.build_rows(row_lines, rows, where)
        yield batch, sorted(rejected + bad, key=attrgetter("line")) if rejected else bad


def read_log(stream: IO[str], name: str, close: bool = False) -> LogReader:
    """CSV or JSON Lines, told apart by the first character that is not white space;
    ``close``: close ``stream`` once read."""
    return LogReader(_read_chunks(stream, name, close))


def _read_chunks(stream: IO[str], name: str, close: bool) -> Iterator[Chunk]:
    try:
        first = ""
        head: list[str] = []
        for raw in stream:
            head.append(raw)
            if raw.strip():
                first = raw.lstrip()[0]
                break
        lines = chain(head, stream)
        if first == "{":
            yield from chunks_of(read_jsonl(lines))
        else:
            yield from read_csv_chunks(lines, name)
    finally:
        if close:
            stream.close()
