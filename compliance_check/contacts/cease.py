"""``cease``: after a cease request, no further contact on the account.

```yaml
- id: US-CEASE-001
  kind: cease
  severity: error
  message: Contact after the consumer asked the collector to cease communication
  key: account
  trigger: {direction: [inbound], outcome: [cease_request]}
  match: {direction: [outbound]}
```

Every record ``match`` selects that comes after (by time, ties by log position) a
``trigger`` record of the same key is a finding; ``related`` names the first request.
The request is remembered for the rest of the log.
"""
from __future__ import annotations

from datetime import datetime
from typing import Any

from .ruleset import ContactRule, filter_problems, misplaced_fields

KIND = "cease"


def check_params(rule: dict[str, Any]) -> list[tuple[tuple, str]]:
    return (filter_problems(rule.get("match"), ("match",)) + filter_problems(rule.get("trigger"), ("trigger",))
            + misplaced_fields(rule, ("match", "trigger", "key")))


class Evaluator:
    def __init__(self, crule: ContactRule):
        self.key = crule.key
        self.state: dict[Any, str] = {}  # key -> id of the first request

    def run(self, batch: list, out: list) -> None:
        """``batch`` [(record, (local times, day), role)] in order, role 1 judge, 2
        trigger, 3 both (judged first); append (record, related ids, local time) to
        ``out`` for each finding."""
        state, key = self.state, self.key
        for rec, (locals_, _), role in batch:
            k = key(rec)
            if role & 1:
                request = state.get(k)
                if request is not None:
                    out.append((rec, (request,), locals_[0]))
            if role & 2 and k not in state:
                state[k] = rec.id

    def sweep(self, current_day: int) -> None:
        pass  # a request never expires

    def blocked(self, ts: float, locals_: list[datetime], day: int, history: list) -> tuple[bool, float | None, tuple[str, ...]]:
        """Blocked for good once any request came before ``ts``."""
        if history:
            return True, None, (history[0][2],)
        return False, None, ()
