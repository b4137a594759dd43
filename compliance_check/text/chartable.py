"""The per-character folding table: NFKC, then case folding, then traditional -> simplified.

Folding is defined character by character so that the fast path (``str.translate``)
and the mapped path (one character at a time, recording offsets) give the same
text by construction. Filler characters (spaces, punctuation, symbols, emoji,
zero-width and other format characters) fold to nothing, except whitespace, which
folds to one ASCII space that ``normalise`` keeps only between Latin words.
"""
from __future__ import annotations

import functools
import unicodedata

import opencc

# Placeholders are replaced by this noncharacter: it is not filler, so nothing
# glues across it, and no term contains it, so nothing matches it.
PLACEHOLDER = "\ufdd0"
SPACE = " "
# Marks a kept space while spaces are collapsed; folds to nothing so input cannot fake it.
KEPT_MARK = "\ufdd1"

# Code points outside the BMP that users actually type to disguise words:
# mathematical alphanumerics (𝐬𝐛), enclosed alphanumerics (🅢🅑), CJK compatibility ideographs.
# Emoji and pictographs (U+1Fxxx) and tag characters (U+E00xx) are filler.
_ASTRAL_RANGES = ((0x1D400, 0x1D800), (0x1F000, 0x20000), (0x2F800, 0x2FA20), (0xE0000, 0xE1000))
_FILLER_CATEGORIES = frozenset({"Cc", "Pc", "Pd", "Ps", "Pe", "Pi", "Pf", "Po", "Sm", "Sc", "Sk", "So", "Cf", "Mn", "Me"})


def _is_space(ch: str) -> bool:
    return ch.isspace() or unicodedata.category(ch) in ("Zs", "Zl", "Zp")


def _fold_one(ch: str, t2s: opencc.OpenCC) -> str:
    if ch == PLACEHOLDER:
        return ch
    if ch == KEPT_MARK:
        return ""
    if _is_space(ch):
        return SPACE
    folded = unicodedata.normalize("NFKC", ch).casefold()
    if folded == ch.casefold() and (0xE000 <= ord(ch) <= 0xF8FF or 0x1F000 <= ord(ch) < 0x20000):
        return ""  # private use, emoji and pictographs: never part of a message's words
    out = []
    for c in folded:
        if _is_space(c):
            out.append(SPACE)
        elif unicodedata.category(c) not in _FILLER_CATEGORIES:
            out.append(c)
    folded = "".join(out)
    if any(0x2E80 <= ord(c) <= 0x9FFF or 0xF900 <= ord(c) <= 0xFAFF for c in folded):
        folded = t2s.convert(folded)
    return folded


@functools.cache
def fold_table() -> dict[int, str]:
    """Code point -> folded string, for every character whose folding is not itself."""
    t2s = opencc.OpenCC("t2s")
    table: dict[int, str] = {}
    ranges = [(0, 0xD800), (0xE000, 0x10000), *_ASTRAL_RANGES]
    for lo, hi in ranges:
        for cp in range(lo, hi):
            ch = chr(cp)
            folded = _fold_one(ch, t2s)
            if folded != ch:
                table[cp] = folded
    return table


def fold_char(ch: str) -> str:
    """Fold one character exactly as ``str.translate(fold_table())`` does."""
    return fold_table().get(ord(ch), ch)
