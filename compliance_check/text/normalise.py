"""Normalisation with an offset map back to the original text.

``normalise`` is the fast path: placeholders become one opaque mark, every character
is folded through one ``str.translate`` table (``fold_text``) (NFKC, case folding, traditional to
simplified, filler removed, whitespace to a space), and a run of spaces survives
only as one space between two Latin letters or digits. ``leet_view`` then decodes
digits that stand for letters inside a Latin word (``sh1t``, ``c0urt``, ``r3voked``),
for the messages whose scan finds a letter beside such a digit. The offset map is built
only when someone asks for a span, by folding again and recording which original
characters each folded one came from; both paths use the same table and the same
whitespace rule, so they produce the same text.
"""
from __future__ import annotations

import re
from bisect import bisect_left
from itertools import compress

from .chartable import PLACEHOLDER, SPACE, ascii_keep_table, fold_table, fold_text, keep_list
from .placeholders import find_placeholders, may_hold_placeholder

# Word characters: Latin letters and digits, and the placeholder mark (a placeholder
# counts as a word, so "tell {name} he owes" keeps its spaces). A space is kept only
# between two of them.
_WORD_CHARS = frozenset("abcdefghijklmnopqrstuvwxyz0123456789") | frozenset(map(chr, range(0xC0, 0x250))) | {PLACEHOLDER}
# What is not a word character, less ASCII (folded ASCII is words and spaces).
_NON_WORD = f"[^\x00-\x7f\u00c0-\u024f{PLACEHOLDER}]"
# Starts with the literal space (the character before it is a look-behind over two
# characters), so the engine skips from space to space instead of trying every position.
_SPACE_BESIDE_NON_WORD = re.compile(f" (?={_NON_WORD})| (?<={_NON_WORD} )")
# An inner run of spaces that does not stay as it is: two or more spaces (one stays if
# they are between two words), or one beside a character that is not a word character.
_EDITED_RUN = re.compile(f"  +| (?={_NON_WORD})| (?<={_NON_WORD} )")

# Leetspeak: a digit that stands for a letter inside a Latin word of a Latin-script
# message (English, chiefly). Each becomes its letter in place, so the text keeps its
# length and the offset map is untouched. A word needs two letters, and ordinals, times
# and codes (1st, 10am, 4b, w2, mp3) stay as they are, as does any token with three
# digits in a row: a number glued to a word ("4111111111111111abc") stays a number.
_LEET = str.maketrans("013457", "oieast")
_LATIN_TOKEN = re.compile(r"[a-z0-9]+")
# (a number does not start with 0: "0ut", "0ur" are words)
_NOT_LEET = re.compile(r"[1-9][0-9]*[a-z]{1,2}|[a-z]{1,2}[0-9]+|.*[0-9]{3}.*")


def _unleet_word(match: re.Match) -> str:
    word = match.group()
    if word.isalpha() or word.isdigit() or _NOT_LEET.fullmatch(word) or sum(map(str.isalpha, word)) < 2:
        return word
    return word.translate(_LEET)


# Every letter-and-digit pair that leetspeak needs ("a1", "3e" ...): the packs' compiled
# automaton holds them, so the scan that every message gets anyway finds the few
# messages worth decoding.
LEET_PAIRS = tuple(a + d for a in "abcdefghijklmnopqrstuvwxyz" for d in "013457") + tuple(
    d + a for a in "abcdefghijklmnopqrstuvwxyz" for d in "013457")


def _latin_script(text: str) -> bool:
    """Whether normalised ``text`` is written in Latin script, placeholders aside. Chinese
    messages disguise with pinyin, homophones and split characters, not digits or spaced
    letters (2b, 250 are words there)."""
    return text.isascii() or (PLACEHOLDER in text and text.replace(PLACEHOLDER, "").isascii())


def decode_leet(text: str) -> str:
    """Normalised ``text`` with its leetspeak decoded, one character for one."""
    if not _latin_script(text):
        return text
    return _LATIN_TOKEN.sub(_unleet_word, text)


# Spaced letters: "l o s e r", "c a l l   y o u" (one space inside a word, more between
# words, in the original). A run of four or more single letters or digits is joined into
# words where the original has a single space; a wider gap stays a word break.
_SPACED_RUN = re.compile(r"(?<![a-z0-9])(?:[a-z0-9] ){3,}[a-z0-9](?![a-z0-9])")
_WORD_GAP = re.compile(r"\s\s|[\t\n\u3000]")
_ALNUM = "abcdefghijklmnopqrstuvwxyz0123456789"
# Every pair of single letters or digits between spaces (" l o "): like LEET_PAIRS, the
# packs' automaton holds them, so only a message with one is looked at for a spaced run.
SPACED_PAIRS = tuple(f" {a} {b} " for a in _ALNUM for b in _ALNUM)


def spaced_view(nt: NormalisedText) -> NormalisedText:
    """``nt`` with its runs of spaced letters joined into words (itself if it has none)."""
    text = nt.text
    if not _latin_script(text):
        return nt
    edits = []
    for run in _SPACED_RUN.finditer(text):
        start = run.start()
        # "a p a y d a y l o a n": a leading article is a word of its own where what
        # follows is still a run ("a r r e s t e d" loses its first letter, rarer).
        if text[start] in "ai" and run.end() - start >= 9:
            start += 2
        for space in range(start + 1, run.end(), 2):
            gap = nt.original[nt.span(space - 1, space)[1]:nt.span(space + 1, space + 2)[0]]
            if _WORD_GAP.search(gap) is None:
                edits.append((space, space + 1, ""))
    if not edits:
        return nt
    view = nt.with_edits(edits)
    view.digits_text = nt.digits_text
    return view


# "@" for "a" (c@ll, @rrested, n@me). Normalisation drops "@" as punctuation, so the
# leet view puts the "a" back where an "@" stood inside a word or before one; not in
# an e-mail address (the "@" before a domain).
_AT_FOR_A = re.compile(r"(?:(?<=[A-Za-z0-9])@(?=[A-Za-z0-9])|(?<![A-Za-z0-9.])@(?=[A-Za-z]{2}))(?![A-Za-z0-9-]+\.[A-Za-z]{2,})")


def may_hold_at_for_a(original: str) -> bool:
    """The cheap test a scan makes before looking for an "@" that stands for "a"."""
    return "@" in original


def _at_view(nt: NormalisedText) -> NormalisedText:
    """``nt`` with an "a" for each "@" of the original inside or before a Latin word."""
    if not may_hold_at_for_a(nt.original) or not _latin_script(nt.text):
        return nt
    ats: dict[int, int] = {}  # normalised character after an "@" -> where the "@" is
    for at in _AT_FOR_A.finditer(nt.original):
        i = nt.index_at(at.start() + 1)
        if i < len(nt.text) and nt.text[i] != " " and i not in ats:
            ats[i] = at.start()
    if not ats:
        return nt
    after_ats = sorted(ats)
    view = nt.with_edits([(i, i + 1, "a" + nt.text[i]) for i in after_ats])
    # Each "a" maps to its "@", so a finding that starts with it (@rrested) shows it.
    view_starts, view_ends = view._offsets()
    for inserted, i in enumerate(after_ats):
        view_starts[i + inserted] = ats[i]
        view_ends[i + inserted] = ats[i] + 1
    return view


def leet_view(nt: NormalisedText) -> NormalisedText:
    """``nt`` with its leetspeak decoded (digits one character for one, an "a" for each
    "@"), itself if there is none."""
    view = _at_view(nt)
    text = view.text
    decoded = decode_leet(text)
    if decoded != text:
        view = view.with_edits([(i, i + 1, c) for i, (old, c) in enumerate(zip(text, decoded)) if old != c])
    if view is not nt:
        view.digits_text = nt.digits_text
    return view


class NormalisedText:
    """A normalised view of ``original``; ``span`` maps normalised offsets back."""

    __slots__ = ("original", "text", "_starts", "_ends", "_parent", "_edits", "digits_text")

    def __init__(self, original: str, text: str, parent: "NormalisedText | None" = None,
                 edits: list[tuple[int, int, str]] | None = None):
        self.original = original
        self.text = text
        self._starts: list[int] | None = None
        self._ends: list[int] | None = None
        self._parent = parent
        self._edits = edits or ()
        # The text before leetspeak decoding and the joining of spaced letters
        # (``leet_view``, ``spaced_view``), whose digits are all the original's digits
        # and no more: the pii gates count them.
        self.digits_text = text

    def __repr__(self) -> str:
        return f"NormalisedText(text={self.text!r})"

    def span(self, start: int, end: int) -> tuple[int, int]:
        """Original (start, end) of normalised text[start:end]; end exclusive, end > start."""
        starts, ends = self._offsets()
        return starts[start], ends[end - 1]

    def index_at(self, offset: int) -> int:
        """The first normalised index whose character starts at or after ``offset`` of
        the original (``len(text)`` if none does)."""
        return bisect_left(self._offsets()[0], offset)

    def _offsets(self) -> tuple[list[int], list[int]]:
        if self._starts is None:
            if self._parent is None:
                text, self._starts, self._ends = _mapped_normalise(self.original)
                if text != self.text:  # pragma: no cover - guarded by property tests
                    raise AssertionError("fast and mapped normalisation disagree")
            else:
                self._starts, self._ends = _replay_edits(self._parent, self._edits)
        return self._starts, self._ends  # type: ignore[return-value]

    def with_edits(self, edits: list[tuple[int, int, str]]) -> "NormalisedText":
        """A new view where each (start, end, replacement), non-overlapping and in
        order, replaces text[start:end]; replacement characters map to the whole
        original span of what they replaced."""
        if not edits:
            return self
        parts, pos = [], 0
        for start, end, replacement in edits:
            parts.append(self.text[pos:start])
            parts.append(replacement)
            pos = end
        parts.append(self.text[pos:])
        return NormalisedText(self.original, "".join(parts), self, edits)


def _replay_edits(parent: NormalisedText, edits: list[tuple[int, int, str]]) -> tuple[list[int], list[int]]:
    p_starts, p_ends = parent._offsets()
    starts: list[int] = []
    ends: list[int] = []
    pos = 0
    for start, end, replacement in edits:
        starts.extend(p_starts[pos:start])
        ends.extend(p_ends[pos:start])
        starts.extend([p_starts[start]] * len(replacement))
        ends.extend([p_ends[end - 1]] * len(replacement))
        pos = end
    starts.extend(p_starts[pos:])
    ends.extend(p_ends[pos:])
    return starts, ends


def _with_placeholders_marked(text: str, spans: list[tuple[int, int]]) -> str:
    """``text`` with each placeholder span (from ``find_placeholders``) replaced by the mark."""
    if not spans:
        return text
    parts, pos = [], 0
    for start, end in spans:
        parts.append(text[pos:start])
        parts.append(PLACEHOLDER)
        pos = end
    parts.append(text[pos:])
    return "".join(parts)


def _collapse_spaces(folded: str) -> str:
    """Keep a run of spaces only as one space between two Latin words (or placeholders)."""
    if folded.isascii() or (PLACEHOLDER in folded and folded.replace(PLACEHOLDER, "").isascii()):
        # After folding, every ASCII character but the space is a Latin letter or
        # digit, and a placeholder counts as a word too, so "between two word
        # characters" is every inner run: split/join.
        return folded.strip() if "  " not in folded else " ".join(folded.split())
    # Runs become single spaces between non-space characters; of those, a space beside a
    # character that is not a word character (Chinese, mostly) goes too. Every such
    # character is non-ASCII: folded ASCII is words and spaces.
    return _SPACE_BESIDE_NON_WORD.sub("", " ".join(folded.split()))


def normalise(original: str) -> NormalisedText:
    """Normalise ``original`` for matching; the offset map is built lazily."""
    if may_hold_placeholder(original):  # most messages skip the placeholder functions
        folded = fold_text(_with_placeholders_marked(original, find_placeholders(original)))
    else:
        folded = fold_text(original)
    if SPACE in folded:
        folded = _collapse_spaces(folded)
    return NormalisedText(original, folded)


def normalise_phrase(phrase: str) -> str:
    """Normalise a pack phrase (a term, variant or exception) the way messages are."""
    return normalise(phrase).text


def _mapped_normalise(original: str) -> tuple[str, list[int], list[int]]:
    """The normalised text with, for each of its characters, the original span it
    came from. Same folding and spacing rule as ``normalise``, with bookkeeping."""
    placeholders = find_placeholders(original)
    if not placeholders and original.isascii():
        return _mapped_ascii(original)
    kept = original.translate(keep_list())
    if kept.isascii() and "\x02" not in kept:  # every character folds to one or none
        n = len(original)
        firsts = lasts = kept.encode("ascii")
        if placeholders:
            # A placeholder folds to one mark spanning it all: kept at its first
            # character for the starts, at its last for the ends.
            firsts, lasts = bytearray(firsts), bytearray(lasts)
            for start, end in placeholders:
                inside = bytes(end - start - 1)
                firsts[start:end] = b"\x01" + inside
                lasts[start:end] = inside + b"\x01"
        starts, ends = list(compress(range(n), firsts)), list(compress(range(1, n + 1), lasts))
        return _collapse_mapped(fold_text(_with_placeholders_marked(original, placeholders)), starts, ends)
    # A character folding to several (ß, ﬁ) or beyond the list: one at a time.
    fold = fold_table().get
    pieces = [fold(ord(c), c) for c in original]
    ends_override: dict[int, int] = {}
    for start, end in placeholders:
        pieces[start] = PLACEHOLDER
        for k in range(start + 1, end):
            pieces[k] = ""
        ends_override[start] = end
    folded = "".join(pieces)
    if len(folded) == len(pieces) - pieces.count(""):  # every character folded to at most one
        starts = [i for i, p in enumerate(pieces) if p]
    else:
        starts = [i for i, p in enumerate(pieces) for _ in p]
    ends = [ends_override.get(i, i + 1) for i in starts] if ends_override else [i + 1 for i in starts]
    return _collapse_mapped(folded, starts, ends)


def _mapped_ascii(original: str) -> tuple[str, list[int], list[int]]:
    """``_mapped_normalise`` of ASCII text without placeholders (most English
    messages), without a Python step per character: each character folds to one
    character or to nothing, so the map is the kept positions."""
    data = original.encode("ascii")
    folded = fold_text(original)
    n = len(original)
    if len(folded) == n:
        starts, ends = list(range(n)), list(range(1, n + 1))
    else:
        kept = data.translate(ascii_keep_table())
        starts, ends = list(compress(range(n), kept)), list(compress(range(1, n + 1), kept))
    return _collapse_mapped(folded, starts, ends)


def _collapse_mapped(folded: str, starts: list[int], ends: list[int]) -> tuple[str, list[int], list[int]]:
    """``_collapse_spaces`` of ``folded``, carrying each character's original span; a
    kept space (one run between two word characters) stands for its whole run."""
    if SPACE not in folded:
        return folded, starts, ends
    # Runs at either end go (most messages end with a space): a slice.
    first, stop = len(folded) - len(folded.lstrip(SPACE)), len(folded.rstrip(SPACE))
    if stop - first < len(folded):
        folded, starts, ends = folded[first:stop], starts[first:stop], ends[first:stop]
    if "  " not in folded and folded.replace(PLACEHOLDER, "").isascii():
        return folded, starts, ends  # words and single spaces (folded ASCII is words and spaces)
    # Most inner runs are one space between two words, which stays as it is; only the
    # others take a step each.
    text: list[str] = []
    out_starts: list[int] = []
    out_ends: list[int] = []
    pos = 0
    for run in _EDITED_RUN.finditer(folded):
        run_start, run_end = run.span()
        text.append(folded[pos:run_start])
        out_starts += starts[pos:run_start]
        out_ends += ends[pos:run_start]
        if folded[run_start - 1] in _WORD_CHARS and folded[run_end] in _WORD_CHARS:
            text.append(SPACE)
            out_starts.append(starts[run_start])
            out_ends.append(ends[run_end - 1])
        pos = run_end
    text.append(folded[pos:])
    out_starts += starts[pos:]
    out_ends += ends[pos:]
    return "".join(text), out_starts, out_ends
