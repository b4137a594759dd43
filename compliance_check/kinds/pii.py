"""``pii``: personal data written into a message, by built-in detectors.

Detectors (list them in ``detectors``):

- ``cn_id``: an 18-character mainland resident ID whose check character is right;
- ``cn_id_grouped``: a resident ID written in groups separated by spaces, dots or hyphens
  (``370203-19900908-2052``, ``4403 0419 9207 2103 16``) with a plausible birth date;
  the grouping marks it as an ID, so a mistyped check character still counts (the
  number is exposed all the same);
- ``bank_card``: 13-19 digits (optionally grouped by spaces, dots or dashes) passing Luhn;
- ``phone``: mainland mobile numbers, NANP numbers, E.164 numbers;
- ``cn_mobile``: mainland mobile numbers only (a personal number, unlike a hotline);
- ``email``: e-mail addresses;
- ``ssn``: a US Social Security number (or ITIN) written as 3-2-4 digits with
  separators (``987-65-4320``, ``987 65 4320``, ``987.65.4320``); numbers no SSN can
  have (area 000 or 666, group 00, serial 0000) are left alone.

Detectors read the original text with full-width forms narrowed one for one (so
full-width digits count and offsets stay put), zero-width characters read as separators
and placeholders blanked (they are opaque to every kind), so masked forms such as
``6222********1234`` or ``138****5678`` never match.

Failing example (detectors ``[bank_card]``)::

    您尾号的卡 6222021234567890128 已逾期      -> finding on the card number

Passing example::

    您尾号1234的卡（6222********1234）已逾期
"""
from __future__ import annotations

from typing import Any, Callable, Iterator

import functools
import re


from ..text.chartable import PLACEHOLDER
from ..text.normalise import NormalisedText
from ..text.placeholders import find_placeholders
from . import Match, MatchContext

KIND = "pii"

_D = r"[0-9]"
# A separator, with the zero-width characters (read as NUL, below) around it or alone:
# "6\u200b0\u200b1\u200b1 \u200b8..." puts one between every digit.
_SEP = r"(?:\x00*[ .\-]\x00*|\x00+)"
# Full-width ASCII (U+FF01..U+FF5E) and the ideographic space, narrowed one for one;
# zero-width characters read as NUL, which a separator (_SEP) may hold any number of.
_ZERO_WIDTH = "\u200b\u200c\u200d\u2060\ufeff"
_NARROW = {cp: cp - 0xFEE0 for cp in range(0xFF01, 0xFF5F)} | {0x3000: 0x20} | {ord(c): 0x00 for c in _ZERO_WIDTH}
_WIDE = re.compile(f"[\uff01-\uff5e\u3000{_ZERO_WIDTH}]")
_DETECTOR_RE = {
    "cn_id": rf"(?<![0-9A-Za-z])[1-9]{_D}{{5}}(?:18|19|20){_D}{{2}}{_D}{{4}}{_D}{{3}}[0-9Xx](?![0-9A-Za-z])",
    "cn_id_grouped": (
        rf"(?<![0-9A-Za-z])[1-9](?:{_SEP}?{_D}){{16}}{_SEP}?[0-9Xx](?![0-9A-Za-z])"
    ),
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
    # Separators are required: nine bare digits are as often an account or routing number.
    # A zero-width character (NUL here) may stand beside a separator: "987\u200b-65-".
    "ssn": rf"(?<![0-9])(?<![0-9][ .\-]){_D}{{3}}(?:[ \x00]?[ .\-][ \x00]?){_D}{{2}}(?:[ \x00]?[ .\-][ \x00]?){_D}{{4}}(?![0-9])(?![ .\-][0-9])",
}
_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"


def _digits(s: str) -> str:
    return "".join(c for c in s if c.isdigit())


def _plausible_birth_date(id18: str) -> bool:
    """The birth date of an 18-character resident ID is a date: 18xx to 20xx, month
    1-12, day 1-31."""
    return id18[6:8] in ("18", "19", "20") and 1 <= int(id18[10:12]) <= 12 and 1 <= int(id18[12:14]) <= 31


def _valid_cn_id(s: str) -> bool:
    s = s.upper()
    body, check = s[:17], s[17]
    if not body.isdigit() or not _plausible_birth_date(s):
        return False
    return _ID_CHECK[sum(int(c) * w for c, w in zip(body, _ID_WEIGHTS)) % 11] == check


def _valid_grouped_cn_id(s: str) -> bool:
    """Separated (unseparated is ``cn_id``'s, with its check character), with a
    plausible birth date."""
    if " " not in s and "-" not in s:
        return False
    return _plausible_birth_date(s.replace(" ", "").replace("-", ""))


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


def _valid_ssn(s: str) -> bool:
    digits = _digits(s)
    return digits[:3] not in ("000", "666") and digits[3:5] != "00" and digits[5:] != "0000"


_VALIDATORS: dict[str, Callable[[str], bool]] = {
    "cn_id": _valid_cn_id,
    "cn_id_grouped": _valid_grouped_cn_id,
    "bank_card": _valid_card,
    "phone": lambda s: True,
    "cn_mobile": lambda s: True,
    "email": lambda s: True,
    "ssn": _valid_ssn,
}




# Fewest digits each detector needs in a row; the normalised text has already
# removed separators (or kept one space) and narrowed full-width digits.
_MIN_DIGITS = {"cn_id": 17, "cn_id_grouped": 17, "bank_card": 13, "phone": 8, "cn_mobile": 11, "ssn": 9}


# A normalised text as ASCII bytes (a non-ASCII character as one "?", a third of its
# UTF-8 bytes), its spaces deleted -> b"0" for a digit, b" " for the rest.
# Normalised text keeps single spaces only, so deleting them joins exactly the digits
# one run holds ("6222 0212 3456 7890"), and ``split()`` gives the runs.
_RUN_SHAPE = bytes.maketrans(bytes(range(256)), bytes(0x30 if 0x30 <= b <= 0x39 else 0x20 for b in range(256)))
_FEWEST_DIGITS = min(_MIN_DIGITS.values())
_FEWEST_RUN = b"0" * _FEWEST_DIGITS


# What the gates read of one message, as a plain tuple (built and unpacked fastest):
# (has an @, digits in its longest run when at least _FEWEST_DIGITS else 0, at most
# _MOST_DIGITS (no gate asks for more), and the hinted detectors that could fire: those
# whose shape occurs in the original, or all of them where it has a full-width digit or
# separator that could hide a number). It is all any gate reads, so it is the key under
# which the checker keeps the gates' answers: a handful of values. None for a message
# where no gate can open (most messages: no @, no run of the fewest digits).
Profile = tuple[bool, int, tuple[str, ...]]
_NO_CHANCE = None
_ONLY_AT: Profile = (True, 0, ())
# The last message's profile, with the message it belongs to: every gate of every loaded
# pack asks about the same message, one after the other. One tuple, so that a thread
# never reads one message's profile for another's.
_last_profile: tuple[object, Profile | None] = (None, _NO_CHANCE)


def _has_at(original: str) -> bool:
    return "@" in original or "\uff20" in original


def _profile(nt: NormalisedText) -> Profile | None:
    """Whether the message has an @, the digits in its longest run (single spaces
    allowed: "6222 0212 3456 7890") when that is at least the fewest any detector
    needs, and the hinted detectors whose shape it could hold; None where no gate can
    open. A substring test on a byte "shape" of the normalised text answers the common
    case, a message without such a run, far faster than a regex. It is what every gate
    of this kind needs first, so it is their ``precheck``: the checker tries it once per
    message before the gates of every pii rule, and keeps their answers by it."""
    global _last_profile
    last = _last_profile
    if last[0] is nt:
        return last[1]
    runs = nt.digits_text.encode("ascii", "replace").translate(_RUN_SHAPE, b" ")
    original = nt.original
    if _FEWEST_RUN not in runs:
        profile = _ONLY_AT if "@" in original or "\uff20" in original else _NO_CHANCE
    else:
        run = min(max(map(len, runs.split())), _MOST_DIGITS)
        if run < _FEWEST_HINTED:
            profile = (_has_at(original), run, ())
        elif not original.isascii() and _WIDE_DIGIT_OR_SEP.search(original) is not None:
            profile = (_has_at(original), run, _HINTED)
        else:
            shape = original.encode("utf-8").translate(_SEPARATED_SHAPE)
            hinted = []
            for fewest, name, search in _HINT_TESTS:
                if run < fewest:
                    break
                if search(shape) is not None:
                    hinted.append(name)
            profile = (_has_at(original), run, tuple(sorted(hinted)))
    _last_profile = (nt, profile)
    return profile


def _hinted(profile: Profile | None, name: str) -> bool:
    """Whether the hinted detector ``name`` could fire on the message of ``profile``."""
    return profile is not None and profile[1] >= _MIN_DIGITS[name] and name in profile[2]


@functools.cache
def _gate(needs_at: bool, min_digits: int | None, hinted: tuple[str, ...]) -> Callable[[NormalisedText], bool]:
    fewest = min_digits if min_digits is not None else 1 << 30

    def gate(nt: NormalisedText) -> bool:
        profile = _profile(nt)
        if profile is None:
            return False
        if (needs_at and profile[0]) or profile[1] >= fewest:
            return True
        for name in hinted:
            if _hinted(profile, name):
                return True
        return False

    gate.precheck = _profile  # type: ignore[attr-defined]
    return gate


Finder = Callable[[str], Iterator[tuple[int, int]]]


def _regex_finder(name: str) -> Finder:
    # The standard library's engine: these patterns are simple and linear, and it runs them faster.
    pattern, valid, needs = re.compile(_DETECTOR_RE[name]), _VALIDATORS[name], _NEEDS.get(name)

    def find(text: str) -> Iterator[tuple[int, int]]:
        if needs is not None and needs not in text:  # the e-mail pattern is slow to fail without @
            return
        for m in pattern.finditer(text):
            if valid(m.group()):
                yield m.span()

    return find


_NEEDS = {"email": "@"}  # a character a detector's match must contain

# ``cn_mobile`` as written in _DETECTOR_RE starts with a look-behind and an optional
# prefix, which makes the engine try every position of every message; its core starts
# with a literal "1", which the engine skips to at C speed. The +86 prefix and the
# look-behind are checked by hand around each core match, with the same result.
_CN_MOBILE_CORE = re.compile(rf"1[3-9]{_D}{_SEP}?{_D}{{4}}{_SEP}?{_D}{{4}}(?!{_D})")
_CN_MOBILE_PREFIX = re.compile(rf"\+?86{_SEP}?$")


def _find_cn_mobile(text: str) -> Iterator[tuple[int, int]]:
    pos = 0
    while (core := _CN_MOBILE_CORE.search(text, pos)) is not None:
        start, end = core.span()
        prefix = _CN_MOBILE_PREFIX.search(text, max(0, start - 4), start)
        for candidate in ((prefix.start(), start) if prefix else (start,)):
            if candidate == 0 or text[candidate - 1] not in "0123456789+":
                yield candidate, end
                pos = end
                break
        else:
            pos = start + 1


# A detector whose digits, once normalisation has dropped the separators, look like
# many other numbers ("1-800-555-1234" folds to the 11 digits of a mainland mobile)
# opens its gate only where its shape (below) also occurs in the original, or where the
# original has a full-width digit or separator that could hide it.
_WIDE_DIGIT_OR_SEP = re.compile(f"[\uff10-\uff19\uff0d\uff0e\u3000{_ZERO_WIDTH}]")
# The original's UTF-8 bytes -> b"0" for a digit, b"-" for a separator (space, dot, hyphen),
# b"x" for the rest: each detector's own shape is then a short bytes pattern there (a
# necessary condition: the detector itself decides).
_SEPARATED_SHAPE = bytes.maketrans(
    bytes(range(256)),
    bytes(0x30 if 0x30 <= b <= 0x39 else 0x2D if b in b" .-" else 0x78 for b in range(256)),
)
_SHAPE_HINTS = {
    # _CN_MOBILE_CORE: 3 digits, a separator or not, 4 digits, a separator or not, 4 digits
    "cn_mobile": re.compile(b"000-?0000-?0000"),
    "ssn": re.compile(b"000-00-0000"),  # its separators are not in normalised text
}
_FEWEST_HINTED = min(_MIN_DIGITS[name] for name in _SHAPE_HINTS)
_HINTED = tuple(sorted(_SHAPE_HINTS))
# (fewest digits, name, the search for its shape), fewest digits first
_HINT_TESTS = tuple(sorted((_MIN_DIGITS[name], name, hint.search) for name, hint in _SHAPE_HINTS.items()))
_MOST_DIGITS = max(_MIN_DIGITS.values())

_FINDERS: dict[str, Finder] = {name: _regex_finder(name) for name in _DETECTOR_RE} | {"cn_mobile": _find_cn_mobile}


def compile(params: dict[str, Any]) -> list[Finder]:
    return [_FINDERS[name] for name in params["detectors"]]


def make_gate(params: dict[str, Any]) -> Callable[[NormalisedText], bool]:
    """A cheap test of whether any of the rule's detectors can fire on a message. Rules
    with the same test share one gate, which runs once per message; most messages
    (no @, no long run of digits) then skip the detectors."""
    detectors = params["detectors"]
    lengths = [_MIN_DIGITS[d] for d in detectors if d in _MIN_DIGITS and d not in _SHAPE_HINTS]
    hinted = tuple(sorted(d for d in detectors if d in _SHAPE_HINTS))
    return _gate("email" in detectors, min(lengths) if lengths else None, hinted)


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


def find(params: dict[str, Any], detectors: list[Finder], ctx: MatchContext) -> list[Match]:
    original = ctx.nt.original
    text = _masked(original) if PLACEHOLDER in ctx.nt.text else original
    text = text.translate(_NARROW) if _WIDE.search(text) else text
    return [Match(start, end, in_original=True) for finder in detectors for start, end in finder(text)]
