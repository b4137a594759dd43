"""Quotation marks around a stretch of the original text.

Lawful messages quote the words they refute: 您说的“爆通讯录”我们绝对不会做, whoever told
you that someone would 'pay you a visit' was not from our office. The cue lists of a rule
(``kinds/cues.py``) judge a quoted hit at the edges of its quotation, where the reporting
or disowning words stand.

Paired marks (“ ” 「 」 『 』 ‘ ’) and straight ones (" and ') count. A single quote (' or ’)
between two letters or digits is an apostrophe (don't, don’t, O'Brien), never a mark.
"""
from __future__ import annotations

import re

# How far, in original characters, a hit may stand from the marks around it: a quotation
# is a phrase or a sentence, not a letter.
QUOTE_REACH = 80
_PAIRS = {"“": "”", "「": "」", "『": "』", "‘": "’"}
_CLOSERS = frozenset(_PAIRS.values())
# Letters and digits of the alphabetic scripts (Latin, Greek, Cyrillic: homoglyph
# disguises), which an apostrophe joins (don't); Chinese characters stand beside quotation
# marks unjoined.
_LETTER = "A-Za-z0-9\u00c0-\u052f"
_IS_LETTER = re.compile(f"[{_LETTER}]")
# A mark that can open or close a quotation: apostrophes (don't, don’t) are far more
# common in English messages and are not worth a look.
ANY_MARK = re.compile(f"[\"“”「」『』‘]|(?<![{_LETTER}])['’]|['’](?![{_LETTER}])")


def quotation(original: str, start: int, end: int) -> tuple[int, int] | None:
    """``(after the opening mark, at the closing mark)`` of the quotation that holds
    ``original[start:end]``, or None when it stands in none. A list of quotations
    (「上门」「曝光」, 'a visit' or 'an accident') opens with its first one and closes
    with its last one, so that the cues around the list cover every item."""
    held = _marks_around(original, start, end)
    if held is None:
        return None
    return _first_of_run(original, held[0]) + 1, _last_of_run(original, held[1])


def _marks_around(original: str, start: int, end: int) -> tuple[int, int] | None:
    """``(opening mark, closing mark)`` of the one quotation that holds ``original[start:end]``."""
    for i in range(start - 1, max(0, start - QUOTE_REACH) - 1, -1):
        c = original[i]
        if c == '"':
            # Straight double marks alternate: an even number before this one opens it.
            if original.count('"', 0, i) % 2:
                return None
            close = original.find('"', end, end + QUOTE_REACH)
        elif c in "'’" and _word_at(original, i - 1) and _word_at(original, i + 1):
            continue  # an apostrophe: don't, don’t, O'Brien
        elif c == "'":
            if not _opens(original, i):
                return None
            close = next((j for j in range(end, min(len(original), end + QUOTE_REACH))
                          if original[j] == "'" and _closes(original, j)), -1)
        elif c in _PAIRS:
            close = next((j for j in range(end, min(len(original), end + QUOTE_REACH)) if original[j] == _PAIRS[c]
                          and not (_word_at(original, j - 1) and _word_at(original, j + 1))), -1)
        elif c in _CLOSERS:
            return None  # a quotation ends between it and the hit
        else:
            continue
        return (i, close) if close >= 0 else None
    return None


# What may stand between quotations of one list: 以“上门”“曝光”相威胁, 'visit' or 'accidents':
# list punctuation and spaces, then at most one joining word.
_LIST_PUNCTUATION = "、，,/"
_JOINER_WORDS = ("或者", "和", "或", "及", "与", "and", "or")
_BETWEEN_LISTED = re.compile(f"[\\s{_LIST_PUNCTUATION}]*(?:(?:{'|'.join(_JOINER_WORDS)})\\s*)?")


def _last_of_run(original: str, close: int) -> int:
    """The closing mark of the last quotation in the list that the one closing at
    ``close`` starts, so that a cue after the list covers all of it."""
    while True:
        gap = _BETWEEN_LISTED.match(original, close + 1)
        opening = gap.end() if gap else close + 1
        if opening >= len(original) or original[opening] not in _PAIRS and original[opening] not in "\"'":
            return close
        following = _marks_around(original, opening + 1, opening + 1) if opening + 1 < len(original) else None
        if following is None or following[0] != opening:
            return close
        close = following[1]


def _first_of_run(original: str, opening: int) -> int:
    """The opening mark of the first quotation in the list that the one opening at
    ``opening`` ends (never say "a visit", "your boss" or "jail"), so that a cue before
    the list covers all of it."""
    while True:
        j = opening
        while j > 0 and (original[j - 1].isspace() or original[j - 1] in _LIST_PUNCTUATION):
            j -= 1
        for word in _JOINER_WORDS:
            if original.endswith(word, 0, j) and not _word_at(original, j - len(word) - 1):
                j -= len(word)
                while j > 0 and original[j - 1].isspace():
                    j -= 1
                break
        previous = _opening_of(original, j - 1) if j > 0 else None
        if previous is None:
            return opening
        opening = previous


def _opening_of(original: str, close: int) -> int | None:
    """The opening mark of the quotation that the mark at ``close`` closes, if it is one."""
    mark = original[close]
    reach = max(0, close - QUOTE_REACH)
    if mark == '"':
        if original.count('"', 0, close) % 2 == 0:
            return None  # it opens a quotation
        found = original.rfind('"', reach, close)
    elif mark in _CLOSERS and not (_word_at(original, close - 1) and _word_at(original, close + 1)):
        opener = next(o for o, c in _PAIRS.items() if c == mark)
        found = original.rfind(opener, reach, close)
    elif mark == "'" and _closes(original, close):
        found = next((k for k in range(close - 1, reach - 1, -1) if original[k] == "'" and _opens(original, k)), -1)
    else:
        return None
    return found if found >= 0 else None


def _word_at(original: str, i: int) -> bool:
    """Whether ``original[i]`` is one of ``_LETTER``."""
    return 0 <= i < len(original) and _IS_LETTER.match(original[i]) is not None


def _opens(original: str, i: int) -> bool:
    """Whether the single mark at ``i`` may open: no letter right before it, no space after."""
    return not _word_at(original, i - 1) and i + 1 < len(original) and not original[i + 1].isspace()


def _closes(original: str, i: int) -> bool:
    """Whether the single mark at ``i`` may close: no space right before it, no letter after."""
    return i > 0 and not original[i - 1].isspace() and not _word_at(original, i + 1)
