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
        self.days = crule.rule.params["days"]
        self.key = crule.key
        self.state: dict[Any, tuple[int, str]] = {}  # key -> (latest trigger day, its id)

    def run(self, batch: list, out: list) -> None:
        """``batch`` [(record, (local times, day), role)] in order, role 1 judge, 2
        trigger, 3 both (judged first); append (record, related ids, local time) to
        ``out`` for each finding."""
        state, key, days = self.state, self.key, self.days
        for rec, (locals_, day), role in batch:
            k = key(rec)
            last = state.get(k)
            if role & 1 and last is not None and day - last[0] <= days - 1:
                out.append((rec, (last[1],), locals_[0]))
            if role & 2 and (last is None or day >= last[0]):
                state[k] = (day, rec.id)

    def sweep(self, current_day: int) -> None:
        horizon = current_day - self.days - DAY_SLACK
        for k in [k for k, (d, _) in self.state.items() if d < horizon]:
            del self.state[k]

    def blocked(self, ts: float, locals_: list[datetime], day: int, history: list) -> tuple[bool, float | None, tuple[str, ...]]:
        """``history``: (ts, day, id) of this key's triggers up to ``ts``."""
        if not history:
            return False, None, ()
        latest = max(d for _, d, _ in history)
        if day - latest > self.days - 1:
            return False, None, ()
        return True, start_of_day(latest + self.days, locals_[0].tzinfo, ts), ()
