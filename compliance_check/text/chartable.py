"""The per-character folding table: NFKC, then case folding, then traditional -> simplified.

Latin letters also lose their accents and tone marks (é -> e, ǎ -> a): pinyin with tone
marks (shǎbī) and accented spellings then meet their plain forms. Cyrillic and Greek
letters that look like Latin ones (the е of "tеll", Greek ο), a classic disguise, become
those Latin letters, by the Unicode confusables data (``confusable_homoglyphs``).

Folding is defined character by character so that the fast path (``str.translate``)
and the mapped path (which records each character's offsets) give the same
text by construction. Filler characters (spaces, punctuation, symbols, emoji,
zero-width and other format characters) fold to nothing, except whitespace, which
folds to one ASCII space that ``normalise`` keeps only between Latin words.
"""
from __future__ import annotations

import functools
import re
import unicodedata

import opencc
from confusable_homoglyphs import confusables

# Placeholders are replaced by this noncharacter: it is not filler, so nothing
# glues across it, and no term contains it, so nothing matches it.
PLACEHOLDER = "\ufdd0"
SPACE = " "

# Code points outside the BMP that users actually type to disguise words:
# mathematical alphanumerics (𝐬𝐛), enclosed alphanumerics (🄢🄑, 🅂🄱), CJK compatibility ideographs.
# Emoji and pictographs (U+1Fxxx) and tag characters (U+E00xx) are filler.
_ASTRAL_RANGES = ((0x1D400, 0x1D800), (0x1F000, 0x20000), (0x2F800, 0x2FA20), (0xE0000, 0xE1000))
_FILLER_CATEGORIES = frozenset({"Cc", "Pc", "Pd", "Ps", "Pe", "Pi", "Pf", "Po", "Sm", "Sc", "Sk", "So", "Cf", "Mn", "Me"})


def _is_space(ch: str) -> bool:
    return ch.isspace() or unicodedata.category(ch) in ("Zs", "Zl", "Zp")


_HAN_RE = re.compile("[\u2e80-\u9fff\uf900-\ufaff]")


def _fold_one(ch: str) -> str:
    """NFKC, case folding and filler removal; traditional -> simplified comes after."""
    if ch == PLACEHOLDER:
        return ch
    if _is_space(ch):
        return SPACE
    cp = ord(ch)
    if 0x4E00 <= cp <= 0x9FFF or 0xAC00 <= cp <= 0xD7A3:
        return ch  # unified ideographs and Hangul syllables: NFKC and case folding leave them alone
    if 0x1F300 <= cp < 0x1FBF0 or 0x1FC00 <= cp < 0x20000:
        return ""  # emoji, pictographs and symbols: no compatibility forms here
    folded = "".join(map(_latin_lookalike, unicodedata.normalize("NFKC", ch))).casefold()
    if folded == ch.casefold() and (0xE000 <= cp <= 0xF8FF or 0x1F000 <= cp < 0x20000):
        return ""  # private use, emoji and pictographs: never part of a message's words
    out = []
    for c in folded:
        if _is_space(c):
            out.append(SPACE)
        elif unicodedata.category(c) not in _FILLER_CATEGORIES:
            out.append(_without_accent(c))
    return "".join(out)


def _latin_lookalike(c: str) -> str:
    """A Greek or Cyrillic letter that looks like a Latin letter (е, о, В) -> that
    letter; anything else unchanged. Looked up before case folding: В looks like B,
    its lower case в like nothing."""
    if not 0x370 <= ord(c) <= 0x52F:  # Greek and Coptic, Cyrillic, Cyrillic Supplement
        return c
    for found in confusables.is_confusable(c, preferred_aliases=["latin"], greedy=True) or ():
        for glyph in found["homoglyphs"]:
            if len(glyph["c"]) == 1 and glyph["c"].isascii() and glyph["c"].isalpha():
                # The confusables data writes capital I as its skeleton "l": І and Ι
                # stand for I in upper-case text (ЈUDІСІАL).
                return "I" if glyph["c"] == "l" and c.isupper() else glyph["c"]
    return c


def _without_accent(c: str) -> str:
    """A Latin letter with diacritics -> the plain letter; anything else unchanged."""
    if c.isascii():
        return c
    base, *marks = unicodedata.normalize("NFD", c)
    if base.isascii() and base.isalpha() and marks and all(unicodedata.category(m) == "Mn" for m in marks):
        return base
    return c


@functools.cache
def fold_table() -> dict[int, str]:
    """Code point -> folded string, for every character whose folding is not itself."""
    folded_by_cp: dict[int, str] = {}
    ranges = [(0, 0xD800), (0xE000, 0x10000), *_ASTRAL_RANGES]
    for lo, hi in ranges:
        for cp in range(lo, hi):
            folded_by_cp[cp] = _fold_one(chr(cp))
    # Traditional -> simplified, one character at a time (so a conversion never depends
    # on neighbours), in one OpenCC call: newlines keep OpenCC's phrase table from
    # joining neighbouring entries.
    han = [cp for cp, folded in folded_by_cp.items() if _HAN_RE.search(folded)]
    converted = opencc.OpenCC("t2s").convert("\n".join(folded_by_cp[cp] for cp in han)).split("\n")
    if len(converted) == len(han):
        folded_by_cp.update(zip(han, converted))
    else:  # pragma: no cover - only if OpenCC ever rewrote a newline
        t2s = opencc.OpenCC("t2s")
        folded_by_cp.update((cp, t2s.convert(folded_by_cp[cp])) for cp in han)
    return {cp: folded for cp, folded in folded_by_cp.items() if folded != chr(cp)}


# Below this code point the table is also kept as a list indexed by code point, which
# ``str.translate`` reads about three times faster than a dict; above it (only the
# tag characters U+E00xx fold) the dict serves.
LIST_LIMIT = 0x2FA20
# Finding whether any character is at or above the limit: a regex search is ten times
# faster than max() over the string.
_ABOVE_LIST_LIMIT = re.compile(f"[{chr(LIST_LIMIT)}-\U0010FFFF]")


@functools.cache
def fold_list() -> tuple[int | str | None, ...]:
    """``fold_table`` below ``LIST_LIMIT`` as a list: entry = folded string, ``None``
    where the character is removed, or the code point itself where folding changes
    nothing. (``None`` rather than "" keeps CPython's fast path for ASCII text.)"""
    table = fold_table()
    # A tuple, not a list: the garbage collector stops tracking a tuple of atoms, so a
    # full collection does not walk its 195,000 entries every time.
    return tuple((table[cp] or None) if cp in table else cp for cp in range(LIST_LIMIT))


@functools.cache
def keep_list() -> tuple[str, ...]:
    """Below ``LIST_LIMIT``, for ``str.translate``: "\x00" for a character folding
    removes, "\x01" for one it keeps as one character, "\x02" per character of a
    longer fold. The translated text is the offset map of text whose folds are all
    one character or nothing: the kept positions."""
    table = fold_table()
    return tuple(
        "\x01" if cp not in table else "\x00" if not table[cp] else "\x01" if len(table[cp]) == 1 else "\x02" * len(table[cp])
        for cp in range(LIST_LIMIT)
    )


@functools.cache
def fold_rest() -> dict[int, str]:
    """``fold_table`` at and above ``LIST_LIMIT``."""
    return {cp: (folded or None) for cp, folded in fold_table().items() if cp >= LIST_LIMIT}


@functools.cache
def _ascii_tables() -> tuple[bytes, bytes]:
    """``fold_table`` for ASCII as a ``bytes.translate`` table and its deletions: every
    ASCII character folds to one ASCII character or to nothing."""
    table = fold_table()
    mapping = bytearray(range(256))
    deleted = bytearray()
    for cp in range(128):
        folded = table.get(cp, chr(cp))
        if folded == "":
            deleted.append(cp)
        else:
            assert len(folded) == 1 and folded.isascii(), (cp, folded)
            mapping[cp] = ord(folded)
    return bytes(mapping), bytes(deleted)


@functools.cache
def ascii_keep_table() -> bytes:
    """A ``bytes.translate`` table giving 1 for an ASCII character that folding keeps
    and 0 for one it deletes: the offset map of ASCII text, for ``itertools.compress``."""
    _, deleted = _ascii_tables()
    return bytes(0 if b in deleted else 1 for b in range(256))


def _char_class(code_points: list[int]) -> str:
    """A regex character class of ``code_points`` (sorted), as ranges."""
    ranges: list[list[int]] = []
    for cp in code_points:
        if ranges and ranges[-1][1] == cp - 1:
            ranges[-1][1] = cp
        else:
            ranges.append([cp, cp])
    return "[" + "".join(f"\\U{lo:08x}" if lo == hi else f"\\U{lo:08x}-\\U{hi:08x}" for lo, hi in ranges) + "]"


@functools.cache
def _non_ascii_folds() -> tuple[re.Pattern, re.Pattern]:
    """Over non-ASCII characters of the Basic Multilingual Plane: those folding
    removes, and those it turns into something else, or any character beyond the plane.
    (The regex engine tests a class of BMP characters in one step, but tries the
    ranges of other characters one by one.)"""
    table = fold_table()
    removed = sorted(cp for cp, folded in table.items() if 0x80 <= cp <= 0xFFFF and not folded)
    changed = sorted(cp for cp, folded in table.items() if 0x80 <= cp <= 0xFFFF and folded)
    return re.compile(_char_class(removed)), re.compile(_char_class(changed)[:-1] + "\\U00010000-\\U0010ffff]")


def fold_text(text: str) -> str:
    """``text.translate(fold_table())``, faster."""
    mapping, deleted = _ascii_tables()
    if text.isascii():  # bytes.translate is several times faster than str.translate
        return text.encode("ascii").translate(mapping, deleted).decode("ascii")
    # str.translate looks up every character of a non-ASCII text in Python. Most of
    # them fold to themselves (Han characters), or to nothing (punctuation): fold the
    # ASCII characters as UTF-8 bytes (every byte of another character is above 0x7f,
    # which the table leaves alone) and delete the removed ones by a regex. Only a text
    # with a character that folds into another (traditional, full-width, accented, a
    # capital beyond ASCII) needs the table.
    removed, changed = _non_ascii_folds()
    folded = removed.sub("", text.encode("utf-8", "surrogatepass").translate(mapping, deleted).decode("utf-8", "surrogatepass"))
    if changed.search(folded) is None:
        return folded
    folded = text.translate(fold_list())
    if not folded.isascii() and _ABOVE_LIST_LIMIT.search(folded) is not None:
        folded = folded.translate(fold_rest())
    return folded
