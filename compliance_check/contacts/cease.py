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
from itertools import compress, count
from typing import Any

from .records import SIGNATURES
from .ruleset import ContactRule, filter_problems, misplaced_fields

KIND = "cease"


def check_params(rule: dict[str, Any]) -> list[tuple[tuple, str]]:
    return (filter_problems(rule.get("match"), ("match",)) + filter_problems(rule.get("trigger"), ("trigger",))
            + misplaced_fields(rule, ("match", "trigger", "key")))


class Evaluator:
    per_channel = False  # requests hold per (key, channel) rather than per key

    def __init__(self, crule: ContactRule):
        self.crule = crule
        self.state: dict[Any, str] = {}  # key, or (key, channel), -> id of the first request
        self._requested: set = set()  # the keys of ``state`` (without channels)

    def run(self, view: Any, seen: list[int], roles: list[int], out: list) -> None:
        """Judge the records at positions ``seen`` of ``view`` (an audit ``View``), in
        order, role 1 judged, 2 a trigger, 3 both (judged first); append (position,
        related ids, zone of the local time reported) to ``out`` per finding."""
        state = self.state
        keys, ids, zones, sigs = view.keys(self.crule), view.batch.ids, view.zones, view.batch.sigs
        per_channel = self.per_channel
        # Requests are few: first the batch's first request of each key without one,
        # then the records of keys with a request (found by one membership test a
        # record), each judged against the requests before it.
        first: dict[Any, int] = {}
        requested = self._requested
        for j in [j for j, role in enumerate(roles) if role & 2]:
            k = (keys[j], SIGNATURES[sigs[j]][0]) if per_channel else keys[j]
            if k not in state and k not in first:
                first[k] = j
        # (a key requested later in this batch lets earlier records through the test: the
        # positions below tell them apart)
        requested.update([k[0] for k in first] if per_channel else first)
        for j in compress(count(), map(requested.__contains__, keys)):
            if not roles[j] & 1:
                continue
            k = (keys[j], SIGNATURES[sigs[j]][0]) if per_channel else keys[j]
            request = state.get(k)
            if request is None:
                at = first.get(k)
                if at is None or at >= j:
                    continue
                request = ids[at]
            out.append((j, (request,), zones[j][0]))
        for k, at in first.items():
            state[k] = ids[at]

    def sweep(self, current_day: int) -> None:
        pass  # a request never expires

    def blocked(self, ts: float, locals_: list[datetime], day: int, history: list) -> tuple[bool, float | None, tuple[str, ...]]:
        """Blocked for good once any request came before ``ts``."""
        if history:
            return True, None, (history[0][2],)
        return False, None, ()
