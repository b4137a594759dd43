"""Where the debtor might be: the candidate time zones of a contact record.

A record's zones are its ``tz`` field (IANA names, the first the primary zone), else
the zones ``phonenumbers`` gives for its phone number, else the pack's
``default_timezone``. Of a phone number's candidates the pack's default zone, when it
is one of them, is the primary one (a US toll-free number has forty-odd candidates in
alphabetical order; the first of those says nothing). Every lookup is cached: a log
has few distinct zone fields and numbers compared with its records.
"""
from __future__ import annotations

import functools
from bisect import bisect_left
from datetime import date, datetime, time, timezone
from operator import add
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

Zones = tuple[ZoneInfo, ...]
UTC = timezone.utc


class ZoneError(ValueError):
    pass


@functools.cache
def zone(name: str) -> ZoneInfo:
    """The IANA zone ``name``; ``ZoneError`` if there is none."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        raise ZoneError(f"{name!r} is not an IANA time zone name (e.g. America/New_York, Asia/Shanghai)") from None


@functools.cache
def zones_for_tz(field: str) -> Zones:
    """The zones of a ``tz`` field: names separated by spaces, the primary first."""
    names = field.split()
    if not names:
        raise ZoneError("empty: name at least one IANA time zone")
    found: list[ZoneInfo] = []
    for name in names:
        z = zone(name)
        if z not in found:
            found.append(z)
    return tuple(found)


@functools.cache
def zones_for_phone(phone: str) -> Zones:
    """The candidate zones of an E.164 number, as ``phonenumbers`` knows them; () if none."""
    import phonenumbers
    from phonenumbers import timezone as phone_zones

    try:
        number = phonenumbers.parse(phone, None)
    except phonenumbers.NumberParseException:
        return ()
    names = [n for n in phone_zones.time_zones_for_number(number) if n != phone_zones.UNKNOWN_TIMEZONE]
    out = []
    for name in names:
        try:
            out.append(zone(name))
        except ZoneError:
            continue  # a name phonenumbers knows and this tz database does not
    return tuple(out)


@functools.cache
def with_primary(candidates: Zones, default: str | None) -> Zones:
    """``candidates`` with the default zone first when it is one of them."""
    if default is None:
        return candidates
    z = zone(default)
    if z in candidates and candidates[0] is not z:
        return (z, *[c for c in candidates if c is not z])
    return candidates


def record_zones(own: Zones | None, phone: str | None, default: str | None) -> Zones | None:
    """The zones a record is judged in under a pack whose default zone is ``default``."""
    if own is not None:
        return own
    if phone is not None:
        candidates = zones_for_phone(phone)
        if candidates:
            return with_primary(candidates, default)
    if default is not None:
        return (zone(default),)
    return None


def local(ts: float, z: ZoneInfo) -> datetime:
    return datetime.fromtimestamp(ts, z)


def earliest_instants(day: date, at: time, z: ZoneInfo) -> list[float]:
    """The instants at which the local clock in ``z`` first reads ``day`` ``at`` or later
    in a run of the clock: one normally, two where a backward change makes the time
    occur twice, and where ``at`` falls in a forward gap, the instant of the change."""
    naive = datetime.combine(day, at)
    out = []
    for fold in (0, 1):
        ts = naive.replace(tzinfo=z, fold=fold).timestamp()
        back = datetime.fromtimestamp(ts, z).replace(tzinfo=None)
        if back == naive:
            out.append(ts)
    if not out:
        # In a gap: the clock jumps over ``at``. fold=1 reads it with the offset after the
        # change (an instant before it), fold=0 with the one before (an instant after it);
        # the change lies between them, on a whole second.
        lo = int(naive.replace(tzinfo=z, fold=1).timestamp())
        hi = int(naive.replace(tzinfo=z, fold=0).timestamp()) + 1
        while hi - lo > 1:
            mid = (lo + hi) // 2
            if datetime.fromtimestamp(mid, z).replace(tzinfo=None) >= naive:
                hi = mid
            else:
                lo = mid
        out.append(float(hi))
    return sorted(set(out))


def start_of_day(ordinal: int, z: ZoneInfo, after: float) -> float:
    """The earliest instant after ``after`` at which the local date in ``z`` is ``ordinal``
    or later: where days end, for day-counting rules."""
    day = date.fromordinal(ordinal)
    for ts in earliest_instants(day, time(0), z):
        if ts > after:
            return ts
    return earliest_instants(day, time(0), z)[-1]


def offset_changes(z: ZoneInfo, start: float, end: float, step: float = 3 * 3600) -> list[float]:
    """The instants in (start, end] at which the UTC offset of ``z`` changes (to the
    second); offsets are assumed to stay put for ``step`` seconds at least."""
    out = []
    t = start
    before = datetime.fromtimestamp(t, z).utcoffset()
    while t < end:
        nxt = min(t + step, end)
        after = datetime.fromtimestamp(nxt, z).utcoffset()
        if after != before:
            lo, hi = int(t), int(nxt) + 1
            while hi - lo > 1:
                mid = (lo + hi) // 2
                if datetime.fromtimestamp(mid, z).utcoffset() == before:
                    lo = mid
                else:
                    hi = mid
            if start < hi <= end:
                out.append(float(hi))
            before = after
        t = nxt
    return out


_SAME = object()  # in LocalClock's cache: the offset changes within that hour


class LocalClock:
    """Local wall-clock readings of instants, as plain numbers: the seconds since
    1970-01-01 00:00 *local* (``ts`` plus the zone's UTC offset at ``ts``), whose floor
    division by 86,400 is the local day and whose remainder the local time of day.

    Offsets are cached per zone and UTC hour, holding an hour's offset only when it is
    the same at the hour's first and last second: exact as long as a zone never changes
    its offset twice within one hour (true of every zone in the tz database; a test
    checks the installed one). An hour in which the offset changes is computed second
    by second with ``zoneinfo``."""

    def __init__(self) -> None:
        self._offsets: dict[tuple[ZoneInfo, int], Any] = {}
        self._first_day: int | None = None

    def days(self, locals_: list[float]) -> list[int]:
        """Local days of local readings, counted from a few days before the first day
        this clock was asked about: small numbers (Python keeps one object for each
        integer up to 256, so a month of days allocates nothing)."""
        if not locals_:
            return []
        if self._first_day is None:
            self._first_day = int(min(locals_) // 86400) - 3  # earlier zones may read an earlier day
        start = self._first_day * 86400
        return [int((reading - start) // 86400) for reading in locals_]

    def offset(self, z: ZoneInfo, hour: int) -> Any:
        """The offset in seconds throughout UTC hour ``hour``, or ``_SAME`` if it changes."""
        key = (z, hour)
        found = self._offsets.get(key)
        if found is None:
            if len(self._offsets) > 100_000:
                self._offsets.clear()  # a log over many years and zones: stay small
            start = hour * 3600
            first = _offset(start, z)
            found = self._offsets[key] = first if first == _offset(start + 3599, z) else _SAME
        return found

    def local(self, ts: float, z: ZoneInfo) -> float:
        off = self.offset(z, int(ts // 3600))
        return ts + (_offset(ts, z) if off is _SAME else off)

    def locals(self, ts: list[float], zones: list[Zones]) -> list[float]:
        """Local readings of ``ts[i]`` in the primary zone of ``zones[i]``."""
        if not ts:
            return []
        first, last = int(min(ts) // 3600), int(max(ts) // 3600)
        distinct = set(zones)
        if first == last:
            # all in one hour (the usual batch of a time-ordered log): one offset a zone
            offsets = {zs: self.offset(zs[0], first) for zs in distinct}
            if _SAME not in offsets.values():
                return list(map(add, ts, map(offsets.__getitem__, zones)))
        if last - first > 24 or ts != sorted(ts):
            local = self.local
            return [local(t, zs[0]) for t, zs in zip(ts, zones)]
        # Times in order over a few hours: in each hour, one offset a zone
        out: list[float] = []
        start = 0
        for hour in range(first, last + 1):
            end = bisect_left(ts, (hour + 1) * 3600, start)
            if end > start:
                offsets = {zs: self.offset(zs[0], hour) for zs in distinct}
                if _SAME in offsets.values():
                    local = self.local
                    out += [local(t, zs[0]) for t, zs in zip(ts[start:end], zones[start:end])]
                else:
                    out += map(add, ts[start:end], map(offsets.__getitem__, zones[start:end]))
            start = end
        return out


def _offset(ts: float, z: ZoneInfo) -> int:
    return int(datetime.fromtimestamp(ts, z).utcoffset().total_seconds())
