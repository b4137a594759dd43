"""``hours``: contact only inside allowed local windows, in every candidate zone.

```yaml
- id: US-HOURS-001
  kind: hours
  severity: error
  message: Contact outside 08:00-21:00 local time at the consumer's location
  match: {direction: [outbound], consent: false, channel: [call, sms, email, visit, chat]}
  windows:                        # by weekday; days default to every day
    - {start: "08:00", end: "21:00", end_inclusive: true}
  dates:                          # optional: these windows replace the weekday ones that day
    - {date: "2026-12-25", windows: []}
```

A record the ``match`` filter selects is a finding when its local time, in any of its
zones, falls in no window of that local date: 07:59:59 fails ``start: "08:00"``,
21:00:00 passes ``end: "21:00"`` only with ``end_inclusive: true``. Quote times in
YAML: unquoted, ``21:00`` is read as the number 1260.
"""
from __future__ import annotations

from datetime import date, datetime, time
from typing import Any

from .ruleset import ContactRule, filter_problems, misplaced_fields
from .zones import earliest_instants, local, offset_changes

KIND = "hours"
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_SEARCH_DAYS = 400  # how far ahead next-contact looks for an open window

Window = tuple[time, "time | None", bool]  # start, end (None: end of day), end inclusive


def _clock(value: Any) -> tuple[time | None, str | None]:
    """A time from ``"HH:MM"`` or ``"HH:MM:SS"`` (``"24:00"`` is the end of the day: None)."""
    if isinstance(value, int):
        return None, f"write the time in quotes: YAML read it as the number {value} (e.g. \"21:00\")"
    if value in ("24:00", "24:00:00"):
        return None, None
    try:
        parts = [int(p) for p in str(value).split(":")]
        if len(parts) not in (2, 3) or any(len(p) != 2 for p in str(value).split(":")):
            raise ValueError
        return time(*parts), None
    except (ValueError, TypeError):
        return None, f"{value!r} is not a time of day HH:MM or HH:MM:SS"


def _window_problems(windows: list[dict[str, Any]], path: tuple) -> list[tuple[tuple, str]]:
    problems = []
    for i, w in enumerate(windows):
        start, err = _clock(w["start"])
        if err:
            problems.append((path + (i, "start"), err))
        elif start is None:
            problems.append((path + (i, "start"), "a window cannot start at 24:00"))
        end, err_end = _clock(w["end"])
        if err_end:
            problems.append((path + (i, "end"), err_end))
        if not err and not err_end and start is not None and end is not None and end <= start:
            problems.append((path + (i, "end"), f"ends at {w['end']}, not after its start {w['start']}"))
    return problems


def check_params(rule: dict[str, Any]) -> list[tuple[tuple, str]]:
    problems = _window_problems(rule.get("windows", []), ("windows",))
    seen = set()
    for i, d in enumerate(rule.get("dates", [])):
        try:
            day = date.fromisoformat(str(d["date"]))
        except ValueError:
            problems.append((("dates", i, "date"), f"{d['date']!r} is not a date YYYY-MM-DD"))
            continue
        if day in seen:
            problems.append((("dates", i, "date"), f"{d['date']} is listed twice"))
        seen.add(day)
        problems += _window_problems(d.get("windows", []), ("dates", i, "windows"))
    return problems + filter_problems(rule.get("match"), ("match",)) + misplaced_fields(rule, ("match", "windows", "dates"))


def _seconds(t: time) -> int:
    return t.hour * 3600 + t.minute * 60 + t.second


def _windows(raw: list[dict[str, Any]]) -> list[Window]:
    out = []
    for w in raw:
        out.append((_clock(w["start"])[0], _clock(w["end"])[0], bool(w.get("end_inclusive", False))))
    return sorted(out, key=lambda w: w[0])


class Evaluator:
    def __init__(self, crule: ContactRule):
        params = crule.rule.params
        self.week: list[list[Window]] = [[] for _ in WEEKDAYS]
        for w in params.get("windows", []):
            for day in w.get("days", WEEKDAYS):
                self.week[WEEKDAYS.index(day)].extend(_windows([w]))
        for windows in self.week:
            windows.sort(key=lambda w: w[0])
        self.dates: dict[date, list[Window]] = {
            date.fromisoformat(str(d["date"])): _windows(d.get("windows", [])) for d in params.get("dates", [])
        }
        # The common rule, one window every day and no dated exceptions, is judged on the
        # local time of day in seconds: (start, end, end inclusive), end 86,400 for 24:00.
        week = self.week
        simple = week[0][0] if not self.dates and len(week[0]) == 1 and all(w == week[0] for w in week) else None
        self.simple: tuple[int, int, bool] | None = None
        if simple is not None:
            start, end, inclusive = simple
            self.simple = (_seconds(start), 86400 if end is None else _seconds(end), inclusive or end is None)

    def windows_on(self, day: date) -> list[Window]:
        if self.dates:
            special = self.dates.get(day)
            if special is not None:
                return special
        return self.week[day.weekday()]

    def allowed(self, loc: datetime) -> bool:
        windows = self.dates.get(loc.date()) if self.dates else None
        if windows is None:
            windows = self.week[loc.weekday()]
        t = loc.time()
        for start, end, inclusive in windows:
            if t >= start and (end is None or t < end or (inclusive and t == end)):
                return True
        return False

    def run(self, view: Any, seen: list[int], roles: list[int], out: list) -> None:
        """Judge the records at positions ``seen`` of ``view`` (an audit ``View``); append
        (position, related ids, zone of the local time reported) to ``out`` per finding."""
        zones, clock = view.zones, view.clock
        if self.simple is None:
            allowed, times = self.allowed, view.batch.times
            for j in seen:
                for z in zones[j]:
                    if not allowed(times[j].astimezone(z)):
                        out.append((j, (), z))
                        break
            return
        start, end, inclusive = self.simple
        locals_ = view.locals
        if inclusive:
            outside = [j for j in seen if not start <= locals_[j] % 86400 <= end]
        else:
            outside = [j for j in seen if not start <= locals_[j] % 86400 < end]
        out += [(j, (), zones[j][0]) for j in outside]
        if view.several:
            # records with several zones: the time must be inside in every one of them
            ts = view.batch.ts
            for j in sorted(view.several.intersection(seen).difference(outside)):
                for z in zones[j][1:]:
                    local = clock.local(ts[j], z) % 86400
                    if not (start <= local <= end if inclusive else start <= local < end):
                        out.append((j, (), z))
                        break

    def sweep(self, current_day: int) -> None:
        pass

    def next_open(self, ts: float, z: Any) -> float | None:
        """The earliest instant after ``ts`` at which the clock in ``z`` is in a window:
        a window's start, or an offset change that moves the clock into one."""
        first_day = local(ts, z).date()
        found = None
        for k in range(_SEARCH_DAYS):
            day = date.fromordinal(first_day.toordinal() + k)
            starts = sorted(inst for start, _, _ in self.windows_on(day) for inst in earliest_instants(day, start, z) if inst > ts)
            found = next((inst for inst in starts if self.allowed(local(inst, z))), None)
            if found is not None:
                break
        horizon = found if found is not None else ts + _SEARCH_DAYS * 86400.0
        for change in offset_changes(z, ts, horizon):
            if self.allowed(local(change, z)):
                return change
        return found

    def blocked(self, ts: float, locals_: list[datetime], day: int, history: list) -> tuple[bool, float | None, tuple[str, ...]]:
        until: float | None = None
        closed = False
        for loc in locals_:
            if self.allowed(loc):
                continue
            closed = True
            opens = self.next_open(ts, loc.tzinfo)
            if opens is None:
                return True, None, ()
            until = opens if until is None else max(until, opens)
        return closed, until, ()
