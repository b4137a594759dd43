"""``opt_out``: after an opt-out on a channel, no further contact on that channel.

```yaml
- id: US-OPTOUT-CONTACT-001
  kind: opt_out
  severity: error
  message: Contact on a channel the consumer opted out of
  key: account
  trigger: {direction: [inbound], outcome: [opt_out]}
  match: {direction: [outbound]}
```

As ``cease``, but per channel: a ``match`` record on channel c after a ``trigger``
record on channel c of the same key is a finding; other channels stay open.
"""
from __future__ import annotations

from operator import attrgetter
from typing import Any, Callable, Hashable

from . import cease
from .ruleset import key_function

KIND = "opt_out"
check_params = cease.check_params


def make_key(params: dict[str, Any]) -> Callable[[Any], Hashable]:
    """Opt-outs hold per channel: the rule's key together with the record's channel."""
    name = params.get("key", "account")
    if name != "phone":
        return attrgetter(name, "channel")
    base = key_function(name)
    return lambda r: (base(r), r.channel)


class Evaluator(cease.Evaluator):
    """The cease evaluator over (key, channel)."""
