"""``cooldown``: after a trigger, no matching contact for ``days`` calendar days.

```yaml
- id: US-COOLDOWN-001
  kind: cooldown
  severity: error
  message: Call placed within 7 days after a telephone conversation
  key: account
  days: 7                         # the trigger's day is day 1
  trigger: {channel: [call], party: [debtor], outcome: [conversation]}
  match: {channel: [call], direction: [outbound], party: [debtor], consent: false, outcome_not: [not_connected]}
```

A record ``match`` selects, on day d, is a finding when a ``trigger`` record of the
same key came before it (by time, ties by log position) on day d0 with
d - d0 <= days - 1; ``related`` names the latest such trigger. Days are local dates
in each record's primary zone. A record can be both: it is judged first.
"""
from __future__ import annotations

from datetime import datetime
from itertools import compress, repeat
from operator import gt, itemgetter
from typing import Any

from .frequency import DAY_SLACK
from .ruleset import ContactRule, filter_problems, misplaced_fields
from .zones import start_of_day

KIND = "cooldown"


def check_params(rule: dict[str, Any]) -> list[tuple[tuple, str]]:
    return (filter_problems(rule.get("match"), ("match",)) + filter_problems(rule.get("trigger"), ("trigger",))
            + misplaced_fields(rule, ("match", "trigger", "key", "days")))


class Evaluator:
    def __init__(self, crule: ContactRule):
        self.crule = crule
        self.days = crule.rule.params["days"]
        self.state: dict[Any, tuple[float, str]] = {}  # key -> (latest trigger day, its id)

    def run(self, view: Any, seen: list[int], roles: list[int], out: list) -> None:
        """Judge the records at positions ``seen`` of ``view`` (an audit ``View``), in
        order, role 1 judged, 2 a trigger, 3 both (judged first); append (position,
        related ids, zone of the local time reported) to ``out`` per finding."""
        state, last_day = self.state, self.days - 1
        keys, days, ids, zones = view.keys(self.crule), view.days, view.batch.ids, view.zones
        get = state.get
        for j in seen:
            k = keys[j]
            last = get(k)
            role = roles[j]
            if last is None:
                if role & 2:
                    state[k] = (days[j], ids[j])
                continue
            day = days[j]
            if role & 1 and day - last[0] <= last_day:
                out.append((j, (last[1],), zones[j][0]))
            if role & 2 and day >= last[0]:
                state[k] = (day, ids[j])

    def sweep(self, current_day: int) -> None:
        state = self.state
        stale = list(compress(state.keys(), map(gt, repeat(current_day - self.days - DAY_SLACK),
                                                map(itemgetter(0), state.values()))))
        for k in stale:
            del state[k]

    def blocked(self, ts: float, locals_: list[datetime], day: int, history: list) -> tuple[bool, float | None, tuple[str, ...]]:
        """``history``: (ts, day, id) of this key's triggers up to ``ts``."""
        if not history:
            return False, None, ()
        latest = max(d for _, d, _ in history)
        if day - latest > self.days - 1:
            return False, None, ()
        return True, start_of_day(latest + self.days, locals_[0].tzinfo, ts), ()
