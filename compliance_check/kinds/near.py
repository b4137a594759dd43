"""``near``: a phrase from set ``a`` within ``within`` characters of one from set ``b``.

Either order; the distance is the number of normalised characters between the two
phrases (filler such as spaces and punctuation is not counted). For violations
that are combinations of ordinary words.

Failing example (a ``[家人, 通讯录]``, b ``[通知, 告诉]``, within 6)::

    我们会通知你的家人      -> finding on 通知你的家人

Passing example::

    请通知我们您的新地址
"""
from __future__ import annotations

from typing import Any

from . import Match, MatchContext

KIND = "near"


def check_params(params: dict[str, Any]) -> list[tuple[tuple, str]]:
    return []


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
    matches = []
    for a_start, a_end in a_hits:
        best = None
        for b_start, b_end in b_hits:
            if (b_start, b_end) == (a_start, a_end):
                continue
            gap = max(b_start - a_end, a_start - b_end, 0)
            if gap <= within and (best is None or gap < best[0]):
                best = (gap, min(a_start, b_start), max(a_end, b_end))
        if best is not None:
            matches.append(Match(best[1], best[2]))
    return matches
