"""``required``: at least one of the listed phrases must be present.

Used for disclosures (the debt-collector notice, an opt-out instruction). A phrase
that lies inside one of the rule's ``except`` phrases does not count. Scope it
with ``channels``; a message whose channel is unknown is not judged by a
channel-scoped ``required`` rule. The finding has an empty span at the start.

Failing example (terms ``[reply stop, opt out]``, channel sms)::

    Your payment of $120 is due on June 1.   -> finding: missing disclosure

Passing example::

    Your payment is due June 1. Reply STOP to opt out.
"""
from __future__ import annotations

from typing import Any

from . import Match, MatchContext

KIND = "required"



def phrases(params: dict[str, Any]) -> list[tuple[str, str]]:
    return [("term", t) for t in params["terms"]]



def find(params: dict[str, Any], compiled: None, ctx: MatchContext) -> list[Match]:
    exceptions = ctx.hits.get("except", ())
    for start, end in ctx.hits.get("term", ()):
        # A phrase inside an exception ("you cannot unsubscribe") does not satisfy the rule.
        if not any(start < e_end and e_start < end for e_start, e_end in exceptions):
            return []
    return [Match(0, 0, in_original=True, missing=True)]
