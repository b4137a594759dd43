"""``near``: a phrase from set ``a`` within ``within`` characters of one from set ``b``.

Either order; the distance is the number of normalised characters between the two
phrases: filler that normalisation removes (punctuation, spaces between Chinese
characters) is not counted, the single space kept between Latin words is. Overlapping phrases
(联系人 and 联系 in one word) are not a pair. For violations
that are combinations of ordinary words.

Failing example (a ``[家人, 通讯录]``, b ``[通知, 告诉]``, within 6)::

    我们会通知你的家人      -> finding on 通知你的家人

Passing example::

    请通知我们您的新地址
"""
from __future__ import annotations

import bisect
from typing import Any

from . import Match, MatchContext

KIND = "near"
# A rule runs only on messages where both sets have a hit.
NEEDS_ALL_ROLES = ("a", "b")



def phrases(params: dict[str, Any]) -> list[tuple[str, str]]:
    near = params["near"]
    return [("a", p) for p in near["a"]] + [("b", p) for p in near["b"]]


def compile(params: dict[str, Any]) -> int:
    return int(params["near"]["within"])


def find(params: dict[str, Any], within: int, ctx: MatchContext) -> list[Match]:
    a_hits = ctx.hits.get("a")
    b_hits = ctx.hits.get("b")
    if not a_hits or not b_hits:
        return []
    b_sorted = sorted(b_hits)
    b_starts = [s for s, _ in b_sorted]
    longest_b = max(e - s for s, e in b_sorted)
    matches = []
    for a_start, a_end in a_hits:
        # Only b phrases starting in this window can be within reach: O(a * window), not O(a * b).
        lo = bisect.bisect_left(b_starts, a_start - within - longest_b)
        hi = bisect.bisect_right(b_starts, a_end + within)
        best = None
        for b_start, b_end in b_sorted[lo:hi]:
            if b_start < a_end and a_start < b_end:
                continue  # overlapping phrases are one word (联系人 / 联系), not two near each other
            gap = b_start - a_end if b_start >= a_end else a_start - b_end
            if gap <= within and (best is None or gap < best[0]):
                best = (gap, min(a_start, b_start), max(a_end, b_end))
        if best is not None:
            matches.append(Match(best[1], best[2]))
    return matches
