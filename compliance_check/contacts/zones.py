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
from datetime import date, datetime, time, timezone
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
