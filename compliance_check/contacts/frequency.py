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
        self.max = params["max"]
        self.days = params["days"]
        self.key = crule.key
        # key -> [(day, id)] of counted records, oldest first; entries too old for every
        # window still ahead are dropped when a key holds enough to matter
        self.state: dict[Any, list[tuple[int, str]]] = {}

    def run(self, batch: list, out: list) -> None:
        """Judge ``batch`` [(record, (local times, day), role)] in order; append
        (record, related ids, local time) to ``out`` for each finding."""
        state, key, limit, days = self.state, self.key, self.max, self.days
        for rec, (locals_, day), _ in batch:
            k = key(rec)
            entries = state.get(k)
            if entries is None:
                state[k] = [(day, rec.id)]
                if not limit:
                    out.append((rec, (), locals_[0]))
                continue
            if len(entries) < limit:
                # fewer earlier records than the limit: this one cannot exceed it
                entries.append((day, rec.id))
                continue
            low = day - days + 1
            while entries and entries[0][0] < low - DAY_SLACK:
                del entries[0]
            n = 0
            for entry in entries:
                if low <= entry[0] <= day:
                    n += 1
            entries.append((day, rec.id))
            if n >= limit:
                out.append((rec, tuple(rid for d, rid in entries[:-1] if low <= d <= day), locals_[0]))

    def sweep(self, current_day: int) -> None:
        horizon = current_day - self.days - DAY_SLACK
        stale = [k for k, entries in self.state.items() if entries[-1][0] < horizon]
        for k in stale:
            del self.state[k]

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
