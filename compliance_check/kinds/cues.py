"""``except_before`` / ``except_after``: context that turns a hit into a non-finding.

Lawful messages deny, quote or warn about the very words a rule forbids: 我们不会上门,
所谓的黑名单是谣言, "we will not sue you". Listing every such phrase as an ``except``
multiplies each negating word by each term; a cue is written once per rule instead.
A phrase hit (``terms``, either side of ``near``) or a ``pattern`` match that directly
follows one of ``except_before`` or directly precedes one of ``except_after`` is not
counted. "Directly" is in the normalised text: filler that normalisation removes
(spaces between Chinese characters, punctuation) is not in the way, nor is the one
space kept between Latin words. A cue that starts or ends with a Latin letter or
digit must be a whole word there (``not`` is not a cue inside ``cannot``).

A cue covers a list, too: a hit of the same rule and role joined to a negated hit by
nothing but list punctuation (removed by normalisation) or a coordinating word (和, 或,
或者, 及, 以及, 与, and, or, nor) is negated with it, so 不会给您的家人、同事或者朋友打电话
and "we will not call your employer, family or friends" pass.

Failing example (terms ``[上门]``, except_before ``[不会]``)::

    明天我们上门找你      -> finding on 上门

Passing example::

    我们不会上门，请放心
"""
from __future__ import annotations

from dataclasses import dataclass

# What may stand between two items of one list once normalisation has removed the
# punctuation (、 , ; /): nothing, or a coordinating word.
_JOINERS = frozenset({"", "和", "或", "或者", "及", "以及", "与", "and", "or", "nor", "and or", "or even"})
_LONGEST_JOINER = max(map(len, _JOINERS))


def _is_word_char(c: str) -> bool:
    return c.isascii() and c.isalnum()


def _joined(text: str, end: int, start: int) -> bool:
    """Whether ``text[end:start]``, between two hits, is what separates list items."""
    return start <= end or (start - end <= _LONGEST_JOINER + 2 and text[end:start].strip(" ") in _JOINERS)


@dataclass(frozen=True)
class Cues:
    """A rule's normalised cues, ready to test hits against."""

    before: tuple[str, ...]
    after: tuple[str, ...]

    def kept(self, text: str, spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
        """The hits ``spans`` that no cue negates, directly or as the next item of a
        list whose first (``before``) or last (``after``) item a cue negates."""
        ordered = sorted(spans)
        negated = [self.negates(text, s, e) for s, e in ordered]
        if not any(negated):
            return ordered
        for i in range(1, len(ordered)):  # forwards: 不会通知家人、同事
            if negated[i - 1] and not negated[i] and _joined(text, ordered[i - 1][1], ordered[i][0]):
                negated[i] = True
        for i in range(len(ordered) - 2, -1, -1):  # backwards: 家人、同事这种说法
            if negated[i + 1] and not negated[i] and _joined(text, ordered[i][1], ordered[i + 1][0]):
                negated[i] = True
        return [span for span, no in zip(ordered, negated) if not no]

    def negates(self, text: str, start: int, end: int) -> bool:
        """Whether the hit ``text[start:end]`` of normalised text sits right after a
        ``before`` cue or right before an ``after`` cue."""
        if self.before:
            pos = start - 1 if start and text[start - 1] == " " else start
            if text.endswith(self.before, 0, pos):  # rare: only then find which cue
                for cue in self.before:
                    cue_start = pos - len(cue)
                    if (
                        text.endswith(cue, 0, pos)
                        and not (_is_word_char(cue[0]) and cue_start and _is_word_char(text[cue_start - 1]))
                        and not (pos == start and _is_word_char(cue[-1]) and _is_word_char(text[start]))
                    ):
                        return True
        if self.after:
            pos = end + 1 if text.startswith(" ", end) else end
            if text.startswith(self.after, pos):
                for cue in self.after:
                    cue_end = pos + len(cue)
                    if (
                        text.startswith(cue, pos)
                        and not (_is_word_char(cue[-1]) and cue_end < len(text) and _is_word_char(text[cue_end]))
                        and not (pos == end and _is_word_char(cue[0]) and _is_word_char(text[end - 1]))
                    ):
                        return True
        return False
