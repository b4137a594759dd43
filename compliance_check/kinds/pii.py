"""``pii``: personal data written into a message, by built-in detectors.

Detectors (list them in ``detectors``):

- ``cn_id``: an 18-character mainland resident ID whose check character is right;
- ``bank_card``: 13-19 digits (optionally grouped by spaces or dashes) passing Luhn;
- ``phone``: mainland mobile numbers, NANP numbers, E.164 numbers;
- ``cn_mobile``: mainland mobile numbers only (a personal number, unlike a hotline);
- ``email``: e-mail addresses.

Detectors read the original text with full-width forms narrowed one for one (so
full-width digits count and offsets stay put) and placeholders blanked (they are
opaque to every kind), so masked forms such as ``6222********1234`` or
``138****5678`` never match.

Failing example (detectors ``[bank_card]``)::

    您尾号的卡 6222021234567890128 已逾期      -> finding on the card number

Passing example::

    您尾号1234的卡（6222********1234）已逾期
"""
from __future__ import annotations

from typing import Any, Callable

import functools
import re


from ..text.chartable import PLACEHOLDER
from ..text.normalise import NormalisedText
from ..text.placeholders import find_placeholders
from . import Match, MatchContext

KIND = "pii"

_D = r"[0-9]"
_SEP = r"[ \-]"
# Full-width ASCII (U+FF01..U+FF5E) and the ideographic space, narrowed one for one.
_NARROW = {cp: cp - 0xFEE0 for cp in range(0xFF01, 0xFF5F)} | {0x3000: 0x20}
_WIDE = re.compile("[\uff01-\uff5e\u3000]")
_DETECTOR_RE = {
    "cn_id": rf"(?<![0-9A-Za-z])[1-9]{_D}{{5}}(?:18|19|20){_D}{{2}}{_D}{{4}}{_D}{{3}}[0-9Xx](?![0-9A-Za-z])",
    "bank_card": rf"(?<!{_D})[2-6](?:{_SEP}?{_D}){{12,18}}(?!{_D})",
    "phone": (
        rf"(?<![0-9+])(?:"
        rf"(?:\+?86{_SEP}?)?1[3-9]{_D}{_SEP}?{_D}{{4}}{_SEP}?{_D}{{4}}"  # mainland mobile
        rf"|(?:\+?1{_SEP}?)?\(?[2-9]{_D}{{2}}\)?[ .\-]?[2-9]{_D}{{2}}[ .\-]?{_D}{{4}}"  # NANP
        rf"|\+[1-9]{_D}{{7,14}}"  # E.164
        rf")(?!{_D})"
    ),
    "cn_mobile": rf"(?<![0-9+])(?:\+?86{_SEP}?)?1[3-9]{_D}{_SEP}?{_D}{{4}}{_SEP}?{_D}{{4}}(?!{_D})",
    "email": r"(?<![\w.+-])[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}",
}
_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"


def _digits(s: str) -> str:
    return "".join(c for c in s if c.isdigit())


def _valid_cn_id(s: str) -> bool:
    s = s.upper()
    body, check = s[:17], s[17]
    if not body.isdigit():
        return False
    month, day = int(s[10:12]), int(s[12:14])
    if not (1 <= month <= 12 and 1 <= day <= 31):
        return False
    return _ID_CHECK[sum(int(c) * w for c, w in zip(body, _ID_WEIGHTS)) % 11] == check


def _valid_card(s: str) -> bool:
    digits = _digits(s)
    if not 13 <= len(digits) <= 19:
        return False
    total = 0
    for i, c in enumerate(reversed(digits)):
        d = int(c)
        if i % 2 == 1:
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return total % 10 == 0


_VALIDATORS: dict[str, Callable[[str], bool]] = {
    "cn_id": _valid_cn_id,
    "bank_card": _valid_card,
    "phone": lambda s: True,
    "cn_mobile": lambda s: True,
    "email": lambda s: True,
}




# Fewest digits each detector needs in a row; the normalised text has already
# removed separators (or kept one space) and narrowed full-width digits.
_MIN_DIGITS = {"cn_id": 17, "bank_card": 13, "phone": 8, "cn_mobile": 11}


_DIGIT_RUN = re.compile("[0-9](?: ?[0-9])*")
_FEWEST_DIGITS = min(_MIN_DIGITS.values())
_ENOUGH_DIGITS = re.compile(f"[0-9](?: ?[0-9]){{{_FEWEST_DIGITS - 1}}}")


@functools.lru_cache(maxsize=16)
def _longest_digit_run(text: str) -> int:
    """Digits in the longest run (single spaces allowed) of a normalised text, or 0
    when it is shorter than any detector needs; cached because every gate of every
    loaded pack asks about the same message."""
    if _ENOUGH_DIGITS.search(text) is None:  # most messages: no detector could fire
        return 0
    runs = _DIGIT_RUN.findall(text)
    return max(len(r) - r.count(" ") for r in runs) if runs else 0


@functools.cache
def _gate(needs_at: bool, min_digits: int | None) -> Callable[[NormalisedText], bool]:
    def gate(nt: NormalisedText) -> bool:
        if needs_at and ("@" in nt.original or "\uff20" in nt.original):
            return True
        return min_digits is not None and _longest_digit_run(nt.text) >= min_digits

    return gate


# The standard library's engine: these patterns are simple and linear, and it runs them faster.
_COMPILED = {name: re.compile(source) for name, source in _DETECTOR_RE.items()}


_NEEDS = {"email": "@"}  # a character a detector's match must contain


def compile(params: dict[str, Any]) -> list[tuple[re.Pattern, Callable[[str], bool], str | None]]:
    return [(_COMPILED[name], _VALIDATORS[name], _NEEDS.get(name)) for name in params["detectors"]]


def make_gate(params: dict[str, Any]) -> Callable[[NormalisedText], bool]:
    """A cheap test of whether any of the rule's detectors can fire on a message. Rules
    with the same test share one gate, which runs once per message; most messages
    (no @, no long run of digits) then skip the detectors."""
    detectors = params["detectors"]
    lengths = [_MIN_DIGITS[d] for d in detectors if d in _MIN_DIGITS]
    return _gate("email" in detectors, min(lengths) if lengths else None)


def _masked(original: str) -> str:
    """The original with each placeholder blanked (same length): placeholders are
    opaque to every rule kind, so a default value inside one is template code."""
    parts, pos = [], 0
    for start, end in find_placeholders(original):
        parts.append(original[pos:start])
        parts.append(PLACEHOLDER * (end - start))
        pos = end
    parts.append(original[pos:])
    return "".join(parts)


def find(params: dict[str, Any], detectors: list[tuple[re.Pattern, Callable[[str], bool], str | None]], ctx: MatchContext) -> list[Match]:
    original = ctx.nt.original
    text = _masked(original) if PLACEHOLDER in ctx.nt.text else original
    text = text.translate(_NARROW) if _WIDE.search(text) else text
    return [
        Match(m.start(), m.end(), in_original=True)
        for pattern, valid, needs in detectors
        if needs is None or needs in text  # the e-mail pattern is slow to fail on text without @
        for m in pattern.finditer(text)
        if valid(m.group())
    ]
