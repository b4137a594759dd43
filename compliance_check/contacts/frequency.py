"""``frequency``: at most ``max`` counted contacts within ``days`` consecutive calendar days.

```yaml
- id: US-FREQ-001
  kind: frequency
  severity: error
  message: More than 7 placed calls within 7 consecutive days
  key: account                    # account (default), debtor or phone
  max: 7
  days: 7
  match: {channel: [call], direction: [outbound], party: [debtor], consent: false, outcome_not: [not_connected]}
```

The records ``match`` selects are counted. One on calendar day d (in its primary zone)
is a finding when it and the counted records of the same key before it (by time, ties
by log position) on days d-days+1 .. d number more than ``max``; ``related`` lists
those earlier records. Days are local dates, so a window is a run of whole days, not
a sliding 168 hours.
"""
from __future__ import annotations

from datetime import datetime
from itertools import compress, repeat
from operator import gt, itemgetter
from typing import Any

from .ruleset import ContactRule, filter_problems, misplaced_fields
from .zones import start_of_day

KIND = "frequency"
# Two zones can disagree on the date by up to two days (UTC-12 and UTC+14): entries that
# far outside every window still ahead are safe to forget.
DAY_SLACK = 3


def check_params(rule: dict[str, Any]) -> list[tuple[tuple, str]]:
    return filter_problems(rule.get("match"), ("match",)) + misplaced_fields(rule, ("match", "key", "max", "days"))


class Evaluator:
    def __init__(self, crule: ContactRule):
        params = crule.rule.params
        self.crule = crule
        self.max = params["max"]
        self.days = params["days"]
        # key -> [day, id, day, id, ...] of counted records, oldest first (one flat list a
        # key: fewer objects to reach per record); entries too old for every window
        # still ahead are dropped when a key holds enough to matter
        self.state: dict[Any, list] = {}
        # keys whose list is not in day order: a record's primary zone read an earlier
        # day than the one before it (its zone changed, or a clock went back over midnight)
        self._unordered: set = set()

    def run(self, view: Any, seen: list[int], roles: list[int], out: list) -> None:
        """Judge the records at positions ``seen`` of ``view`` (an audit ``View``), in
        order; append (position, related ids, zone of the local time reported) to
        ``out`` per finding."""
        state, full, span, unordered = self.state, 2 * self.max, self.days - 1, self._unordered
        keys, days, ids, zones = view.keys(self.crule), view.days, view.batch.ids, view.zones
        get = state.get
        for j in seen:
            k = keys[j]
            entries = get(k)
            day = days[j]
            if entries is None:
                state[k] = [day, ids[j]]
                if not full:
                    out.append((j, (), zones[j][0]))
                continue
            if day < entries[-2]:
                unordered.add(k)
            if len(entries) < full:
                # fewer earlier records than the limit: this one cannot exceed it
                entries += (day, ids[j])
                continue
            low = day - span
            if entries[0] < low - DAY_SLACK:
                cut = low - DAY_SLACK
                while entries and entries[0] < cut:
                    del entries[:2]
            if k in unordered:
                inside = [rid for d, rid in zip(entries[::2], entries[1::2]) if low <= d <= day]
            else:
                # in day order, none after ``day``: the window is the entries from ``low`` on
                i, n = 0, len(entries)
                while i < n and entries[i] < low:
                    i += 2
                inside = entries[i + 1::2]
            entries += (day, ids[j])
            if 2 * len(inside) >= full:
                out.append((j, tuple(inside), zones[j][0]))

    def sweep(self, current_day: int) -> None:
        state = self.state
        # keys whose latest counted day is older than every window still ahead
        stale = list(compress(state.keys(), map(gt, repeat(current_day - self.days - DAY_SLACK),
                                                map(itemgetter(-2), state.values()))))
        for k in stale:
            del state[k]
        if self._unordered:
            self._unordered.intersection_update(state)

    def blocked(self, ts: float, locals_: list[datetime], day: int, history: list) -> tuple[bool, float | None, tuple[str, ...]]:
        """``history``: (ts, day, id) of the counted records of this key up to ``ts``."""
        low = day - self.days + 1
        days = sorted(d for _, d, _ in history if low <= d <= day)
        if len(days) + 1 <= self.max:
            return False, None, ()
        if self.max == 0:
            return True, None, ()
        # Blocked until enough of these fall out of the window: until the day on which
        # the (len - max + 1)-th oldest is older than the window's first day.
        reopen = days[len(days) - self.max] + self.days
        return True, start_of_day(reopen, locals_[0].tzinfo, ts), ()
