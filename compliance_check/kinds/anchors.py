"""Literal anchors of a regular expression: strings one of which every match contains.

A pack's ``pattern`` rules would otherwise each run on every message. Their anchors
join the pack's Aho-Corasick automaton, so a pattern runs only on a message where
one of its anchors occurs (the prefilter idea of RE2 and Hyperscan, kept simple).
Anchors are derived from the pattern's parse tree (Python's own ``re`` parser):
a sequence needs what any one of its parts needs, an alternation needs one of what
its branches need, a repeat with a minimum of one needs what its body needs.
Anything the analysis does not understand yields no anchor, and the pattern then
runs on every message: anchors may cost speed, never findings.
"""
from __future__ import annotations

import re
import warnings

try:  # Python >= 3.11
    from re import _constants as _c
    from re import _parser as _p
except ImportError:  # pragma: no cover
    import sre_constants as _c  # type: ignore[no-redef]
    import sre_parse as _p  # type: ignore[no-redef]

# Syntax the `regex` module reads differently from `re`, or that `re` cannot parse:
# version 1, properties, named lists, reverse/full-case/fuzzy flags, branch reset,
# graphemes, DEFINE, POSIX classes, word-start/end anchors.
_REGEX_ONLY = (
    "(?V1", "\\p", "\\P", "\\L<", "(?r", "(?f", "(?e", "(?b", "(?p", "(?|", "\\X",
    "(?(DEFINE)", "[[:", "[:", "\\m", "\\M", "\\G", "(?w",
)
# A brace that is not a counted repeat ({2}, {2,}, {2,5}, {,5}) is fuzzy matching in
# `regex` ({e<=1}, {i<=1}) but a literal brace in `re`.
_NOT_A_COUNT = re.compile(r"(?<!\\)\{(?!\d*,?\d*\})")
_MAX_CLASS = 16  # a character class with more literals than this is no useful anchor
_MAX_EXACT = 64  # the most strings a part may stand for and still be multiplied out

Anchors = frozenset[str]


# Characters and words in nearly every collection message: poor anchors.
_COMMON = frozenset(
    "的一是不了在人有我他这个们中来上大为和到以说时要就出会可也你对能而子那得于着下自之"
    "年过发后作里用道行所然家种事成方多经么去法学如都同现当没动面起看定天分还进好小部其"
    "些主样理心她本前开但因只从想实您请款钱日月号元贷借将把被给向次"
).union(
    # words of nearly every Chinese collection message
    "还款 借款 欠款 逾期 还钱 贷款 您好 尽快 联系 通知".split()
).union(
    "a an and are as at be by call can do for from have has i in is it may me my no not "
    "now of on or our pay please so that the this to today us we will with you your "
    "reply stop opt out".split()
)


def _weight(anchor: str) -> float:
    """A rough chance that the anchor occurs in an ordinary message."""
    word = anchor.strip()
    if not word or word in _COMMON or all(w in _COMMON for w in word.split()):
        return 1.0
    cjk = any(ord(c) > 0x2E80 for c in word)
    if not cjk and len(word) <= 2:
        return 1.0  # "m", "pm": inside nearly every English message's words
    return min(1.0, (0.05 if cjk else 0.3) / len(word) ** 2)


def _score(anchors: Anchors) -> float:
    """Higher is better: a set whose anchors are rarely all absent is useless."""
    return -sum(_weight(a) for a in anchors)


def _sequence(items: list, fold: bool) -> Anchors | None:
    """Anchors of a sequence: consecutive parts that match a small finite set of
    strings are multiplied out (``(?:tell|remind) `` gives ``tell `` and ``remind ``,
    which "reminder" does not contain); each other part offers its own anchors; the
    best candidate wins."""
    best: Anchors | None = None
    run: frozenset[str] | None = None

    def consider(candidate: Anchors | None) -> None:
        nonlocal best
        # A bare space is in every message: a set holding one filters nothing, however
        # rare its other anchors are (a gap's " " beat a list of forty contact words).
        if candidate and all(a.strip() for a in candidate):
            candidate = _minimal(candidate)
            if best is None or _score(candidate) > _score(best):
                best = candidate

    for op, arg in items:
        exact = _exact(op, arg, fold)
        if exact is not None:
            if run is not None and len(run) * len(exact) <= _MAX_EXACT:
                run = frozenset(a + b for a in run for b in exact)
            else:
                consider(run)
                run = exact
            continue
        consider(run)
        run = None
        consider(_node(op, arg, fold))
    consider(run)
    return best


def _minimal(candidate: Anchors) -> Anchors:
    """Drop anchors that contain another one: wherever they occur, so does it."""
    ordered = sorted(candidate, key=len)
    kept: list[str] = []
    for a in ordered:
        if not any(k in a for k in kept):
            kept.append(a)
    return frozenset(kept)


def _exact(op, arg, fold: bool) -> frozenset[str] | None:
    """Every string the part can match, when that is a small finite set; zero-width
    assertions match the empty string. ``None`` when unknown or too many."""
    if op is _c.LITERAL:
        ch = chr(arg)
        return frozenset({ch.casefold() if fold else ch})
    if op in (_c.AT, _c.ASSERT, _c.ASSERT_NOT):
        return frozenset({""})
    if op is _c.IN:
        return _node(op, arg, fold)
    if op is _c.SUBPATTERN:
        _group, add_flags, del_flags, body = arg
        fold = True if add_flags & _c.SRE_FLAG_IGNORECASE else False if del_flags & _c.SRE_FLAG_IGNORECASE else fold
        return _exact_sequence(list(body), fold)
    if op is _c.BRANCH:
        union: set[str] = set()
        for branch in arg[1]:
            sub = _exact_sequence(list(branch), fold)
            if sub is None:
                return None
            union |= sub
        return frozenset(union) if len(union) <= _MAX_EXACT else None
    if op in (_c.MAX_REPEAT, _c.MIN_REPEAT):
        low, high, body = arg
        inner = _exact_sequence(list(body), fold)
        if inner is None or high > 3:
            return None
        out = frozenset({""})
        options = set(out) if low == 0 else set()
        for count in range(1, high + 1):
            out = frozenset(a + b for a in out for b in inner)
            if len(out) > _MAX_EXACT:
                return None
            if count >= low:
                options |= out
        return frozenset(options) if len(options) <= _MAX_EXACT else None
    return None


def _exact_sequence(items: list, fold: bool) -> frozenset[str] | None:
    out = frozenset({""})
    for op, arg in items:
        part = _exact(op, arg, fold)
        if part is None:
            return None
        out = frozenset(a + b for a in out for b in part)
        if len(out) > _MAX_EXACT:
            return None
    return out


def _node(op, arg, fold: bool) -> Anchors | None:
    if op is _c.LITERAL:
        ch = chr(arg)
        return frozenset({ch.casefold() if fold else ch})
    if op is _c.SUBPATTERN:
        _group, add_flags, del_flags, body = arg
        if add_flags & _c.SRE_FLAG_IGNORECASE:
            fold = True  # (?i:...) folds only its own body
        elif del_flags & _c.SRE_FLAG_IGNORECASE:
            fold = False
        return _sequence(list(body), fold)
    if op is getattr(_c, "ATOMIC_GROUP", None):
        return _sequence(list(arg), fold)
    if op is _c.BRANCH:
        union: set[str] = set()
        for branch in arg[1]:
            sub = _sequence(list(branch), fold)
            if not sub:
                return None
            union |= sub
        return frozenset(union)
    if op in (_c.MAX_REPEAT, _c.MIN_REPEAT) or op is getattr(_c, "POSSESSIVE_REPEAT", None):
        low, _high, body = arg
        return _sequence(list(body), fold) if low >= 1 else None
    if op is _c.IN:
        chars: set[str] = set()
        for item_op, item_arg in arg:
            if item_op is _c.LITERAL:
                chars.add(chr(item_arg))
            elif item_op is _c.RANGE and item_arg[1] - item_arg[0] < _MAX_CLASS:
                chars.update(chr(cp) for cp in range(item_arg[0], item_arg[1] + 1))
            else:
                return None  # negation, categories, wide ranges
            if len(chars) > _MAX_CLASS:
                return None
        return frozenset(c.casefold() if fold else c for c in chars)
    return None  # anchors (\b, ^), lookarounds, back-references, any character


_ZERO_WIDTH = (_c.AT, _c.ASSERT, _c.ASSERT_NOT)


def _shortest_prefixes(candidate: Anchors) -> Anchors:
    """Drop starts that begin with another one: wherever they occur, it occurs at the
    same position. (Containment is not enough here: "ab" holds "b" one place later.)"""
    kept: list[str] = []
    for a in sorted(candidate, key=len):
        if not any(a.startswith(k) for k in kept):
            kept.append(a)
    return frozenset(kept)


def _leading(items: list, fold: bool) -> Anchors | None:
    """Strings one of which every match of the sequence ``items`` starts with (after
    zero-width assertions), or ``None`` when unknown."""
    i = 0
    while i < len(items) and items[i][0] in _ZERO_WIDTH:
        i += 1
    if i == len(items):
        return None
    op, arg = items[i]
    rest = items[i + 1:]
    first = _exact(op, arg, fold)
    if first is not None:
        if "" in first:  # an optional first part: the match may start with what follows
            return None
        out = first
        for next_op, next_arg in rest:  # longer prefixes are rarer: extend while small
            following = _exact(next_op, next_arg, fold)
            if following is None or len(out) * len(following) > _MAX_EXACT:
                break
            out = frozenset(a + b for a in out for b in following)
        return _shortest_prefixes(out)
    if op is _c.SUBPATTERN:
        _group, add_flags, del_flags, body = arg
        if add_flags or del_flags:  # flags scoped to the group: do not read past it
            inner = fold if not (add_flags | del_flags) & _c.SRE_FLAG_IGNORECASE else bool(add_flags & _c.SRE_FLAG_IGNORECASE)
            return _leading(list(body), inner)
        return _leading(list(body) + rest, fold)
    if op is _c.BRANCH:
        union: set[str] = set()
        for branch in arg[1]:
            sub = _leading(list(branch) + rest, fold)
            if not sub:
                return None
            union |= sub
        return _shortest_prefixes(frozenset(union))
    return None


def _parse(pattern: str):  # noqa: ANN202 - re's private parse tree
    if any(token in pattern for token in _REGEX_ONLY) or _NOT_A_COUNT.search(pattern):
        return None
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error")  # e.g. "possible nested set": `regex` reads it otherwise
            return _p.parse(pattern)
    except Exception:  # syntax `re` does not know: run the pattern on every message
        return None


def anchors(pattern: str) -> list[str] | None:
    """Strings one of which occurs in every match of ``pattern``, or ``None`` if unknown."""
    parsed = _parse(pattern)
    if parsed is None:
        return None
    found = _sequence(list(parsed), bool(parsed.state.flags & _c.SRE_FLAG_IGNORECASE))
    return sorted(found) if found else None


def leading_anchors(pattern: str) -> list[str] | None:
    """Strings one of which every match of ``pattern`` starts with, when they are as
    good a filter as its ``anchors``; ``None`` otherwise. The pattern then need only be
    tried where one of them occurs, rather than searched for across the message."""
    parsed = _parse(pattern)
    if parsed is None:
        return None
    fold = bool(parsed.state.flags & _c.SRE_FLAG_IGNORECASE)
    leading = _leading(list(parsed), fold)
    if not leading or not all(leading):
        return None
    best = _sequence(list(parsed), fold)
    if best and _score(leading) < _score(best):
        return None
    return sorted(leading)
