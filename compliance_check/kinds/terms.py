"""``terms``: any of a list of literal phrases, matched after normalisation.

Thousands of terms per pack cost one Aho-Corasick scan, shared with every other
phrase in the pack.

Failing example (rule terms ``[小心你的腿]``)::

    再不还钱小心你的腿        -> finding on 小心你的腿

Passing example::

    请您于{due_date}前还款
"""
from __future__ import annotations

from typing import Any

from . import Match, MatchContext

KIND = "terms"



def phrases(params: dict[str, Any]) -> list[tuple[str, str]]:
    return [("term", t) for t in params["terms"]]



def find(params: dict[str, Any], compiled: None, ctx: MatchContext) -> list[Match]:
    return [Match(start, end) for start, end in ctx.hits.get("term", ())]
