"""``pattern``: a regular expression (the ``regex`` module) over the normalised text.

The normalised text is lower case, simplified Chinese, with punctuation and symbols
removed and whitespace kept only as one space between Latin words; write patterns
for that form (``(?:打|砍)断?你的?(?:腿|手)``, ``\\bwe will (?:sue|arrest) you\\b``).
A pattern runs only on messages holding one of its literal anchors (see
``anchors.py``); when every match starts with one of them, it is tried only where one
occurs instead of searched for. Each evaluation has a timeout (``timeout_ms``, default
250): a catastrophic pattern yields a rule error for that message instead of a hang, and other rules still run.

Failing example (pattern ``(?:打|砍)断你的(?:腿|手)``)::

    再不还钱就打断你的腿      -> finding on 打断你的腿

Passing example::

    请按时还款
"""
from __future__ import annotations

from typing import Any

import regex

from . import Match, MatchContext
import functools

from .anchors import anchors, leading_anchors

KIND = "pattern"
# Anchors are literals of the normalised text already: the pack compiler adds them
# to its automaton as they are, without normalising them again.
ANCHOR_ROLE = "anchor"
DEFAULT_TIMEOUT_MS = 250


def check_params(params: dict[str, Any]) -> list[tuple[tuple, str]]:
    try:
        compiled = regex.compile(params["pattern"])
    except regex.error as exc:
        return [(("pattern",), f"invalid regular expression: {exc}")]
    if compiled.fullmatch("") is not None:
        return [(("pattern",), "pattern matches the empty string")]
    return []


@functools.cache
def _anchor_plan(pattern: str) -> tuple[list[str], bool]:
    """The anchors to find, and whether every match starts with one of them."""
    leading = leading_anchors(pattern)
    return (leading, True) if leading else (anchors(pattern) or [], False)


def phrases(params: dict[str, Any]) -> list[tuple[str, str]]:
    """The pattern's literal anchors: the rule runs only where one occurs."""
    return [(ANCHOR_ROLE, a) for a in _anchor_plan(params["pattern"])[0]]


def compile(params: dict[str, Any]) -> tuple[regex.Pattern, float, bool]:
    return (regex.compile(params["pattern"]), params.get("timeout_ms", DEFAULT_TIMEOUT_MS) / 1000,
            _anchor_plan(params["pattern"])[1])


def _tried_at(pattern: regex.Pattern, text: str, starts: list[int], timeout: float) -> list[Match]:
    """What ``finditer`` finds when every match starts at one of ``starts``: the
    pattern tried at each start that the previous match does not cover."""
    found, covered = [], 0
    for start in sorted(set(starts)):
        if start < covered:
            continue
        m = pattern.match(text, start, timeout=timeout)
        if m is not None and m.end() > start:
            found.append(Match(start, m.end()))
            covered = m.end()
    return found


def find(params: dict[str, Any], compiled: tuple[regex.Pattern, float, bool], ctx: MatchContext) -> list[Match]:
    pattern, timeout, leading = compiled
    starts = [s for s, _ in ctx.hits.get(ANCHOR_ROLE, ())] if leading else None
    # The timeout is wall-clock time, so a busy machine can exhaust it for an innocent
    # pattern: one retry tells a stall from a catastrophic pattern, which fails twice.
    for _attempt in range(2):
        try:
            if starts is not None:  # no start, no match
                return _tried_at(pattern, ctx.nt.text, starts, timeout)
            return [Match(m.start(), m.end()) for m in pattern.finditer(ctx.nt.text, timeout=timeout) if m.end() > m.start()]
        except TimeoutError:
            continue
    return [Match(0, 0, in_original=True, error=f"pattern timed out twice after {timeout * 1000:.0f} ms")]
