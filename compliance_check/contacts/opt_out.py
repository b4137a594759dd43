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

from . import cease

KIND = "opt_out"
PER_CHANNEL = True  # a rule's key together with the record's channel: opt-outs hold per channel
check_params = cease.check_params


class Evaluator(cease.Evaluator):
    """The cease evaluator over (key, channel)."""

    per_channel = True
