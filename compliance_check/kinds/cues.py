"""``except_before`` / ``except_after`` / ``except_in_clause`` / ``except_next_sentence``:
context that turns a hit into a non-finding.

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

A hit inside quotation marks is also judged as its whole quotation (``text/quotes.py``),
so the cues at the marks count: 您说的“爆通讯录”我们绝对不会做, 以“上门”相威胁.

A negation often stands a few words before what it negates: 我司不会在任何公开场合或网络
平台发布您的欠款信息. An ``except_in_clause`` cue negates a hit anywhere later in the same
clause, up to ``CLAUSE_REACH`` normalised characters on (``LATIN_CLAUSE_REACH`` over Latin
text; in a list whose items repeat the negation, "we never post ..., never publish ...,
never tell ...", counted from the hit's item), unless:
- clause punctuation (。，；！？ , . ; ! ? : newline) stands between them in the original
  text, or a word that turns the sentence (但, 如果, 否则, but, unless, if ...); after an
  English negation a comma separates a list of what is denied, and ends the clause only
  where a new subject or a turn follows it;
- the cue goes on with words that make it no negation (不会放过, 不会客气, will not
  hesitate, never forget ...);
- the cue is a negation and the clause is a question (ends with ? or 吗): 你以为我们不会去
  你单位吗？ is a threat (a report of a question, 有人跟您说欠钱会坐牢？, still negates);
- the negation is a condition (如果你不还 …, "if you do not pay ..."): a condition word
  stands shortly before the cue in its clause.

A warning about someone else's threat often disowns it in the next sentence: "Someone
called saying you would be arrested. That call did not come from us." An
``except_next_sentence`` cue anywhere in the sentence right after the hit's sentence
negates the hit.

Failing example (terms ``[上门]``, except_before ``[不会]``)::

    明天我们上门找你      -> finding on 上门

Passing example::

    我们不会上门，请放心
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

import ahocorasick_rs

from ..text.normalise import NormalisedText
from ..text.quotes import ANY_MARK, quotation

# What may stand between two items of one list once normalisation has removed the
# punctuation (、 , ; /): nothing, or a coordinating word.
_JOINERS = frozenset({"", "和", "或", "或者", "及", "以及", "与", "and", "or", "nor", "and or", "or even"})
_LONGEST_JOINER = max(map(len, _JOINERS))


# How far on a clause cue reaches, in normalised characters between the cue and the hit:
# English words are longer than Chinese ones, so Latin text reaches further.
CLAUSE_REACH = 24
LATIN_CLAUSE_REACH = 60
# Clause punctuation, read in the original text (normalisation removes it).
_CLAUSE_ENDS = frozenset("。！？；，,.;!?:：\n…")
# Words that start a new clause without punctuation: a negation before them does not reach on.
_TURNS = ("但", "但是", "可是", "不过", "否则", "不然", "如果", "要是", "假如", "除非", "万一", "等到", "直到",
          " but ", " unless ", " if ", " otherwise ", " until ", " or else ", " however ", " instead ")
# What makes a cue a negation rather than a report or a quotation (您说, you asked).
_NEGATION = re.compile(r"[不没别勿未无禁]|\b(?:not|never|no|nobody|dont|wont|cant|cannot|didnt|doesnt|isnt|arent|wouldnt)\b")
# Words that make a negation the condition of what follows (如果不还, if you don't pay).
_CONDITIONS = ("如果", "要是", "假如", "若是", "只要", "一旦", " if ", " unless ", " when ", " once ")
CONDITION_REACH = 12
LATIN_CONDITION_REACH = 30
# Titles whose full stop ends no sentence ("Mr. Lane").
_TITLES = frozenset({"mr", "mrs", "ms", "dr", "jr", "sr", "inc", "ltd"})
# Words that open a new clause after a comma, so a negation before the comma stops there
# ("we don't care, pay or we sue"): subjects, turns and conditions.
_NEW_CLAUSE_WORDS = frozenset(
    "we i they he she it our my well ill theyll were theyre its thats theres there this that "
    "these those if but so then unless otherwise because until".split())
# What a negating cue may go on with that makes it a threat, not a negation.
_NOT_NEGATING = ("放过", "客气", "手软", "善罢甘休", "罢休", "轻易", "就这么算了", "就这样算了", "让你好过",
                 "让你舒服", "留情", "心软", "坐视", "以为", "只是", "只会", "只有", "仅仅", "再给", "再等",
                 "hesitate", "stop", "let ", "forget", "give up", "go away", "back down", "wait", "tolerate",
                 "think twice", "want", "only", "just", "rest", "be ignored", "be nice", "go easy", "play nice",
                 "make us", "force us", "push us", "test us", "test me", "ignore", "be surprised", "think", "like",
                 "say we didnt", "say you werent", "blame", "be responsible for what", "be held responsible for what")
_LONGEST_NOT_NEGATING = max(map(len, _NOT_NEGATING))


def _is_word_char(c: str) -> bool:
    return c.isascii() and c.isalnum()


def _joined(text: str, end: int, start: int) -> bool:
    """Whether ``text[end:start]``, between two hits, is what separates list items."""
    return start <= end or (start - end <= _LONGEST_JOINER + 2 and text[end:start].strip(" ") in _JOINERS)


# The last message asked about, with whether it has a quotation mark: every hit of every
# rule with cues asks about the same message in turn. One tuple, so that a thread never
# reads one message's answer for another's.
_last_marked: tuple[str | None, bool] = (None, False)


def _has_quotation_mark(original: str) -> bool:
    global _last_marked
    last = _last_marked
    if last[0] is original:
        return last[1]
    found = ANY_MARK.search(original) is not None
    _last_marked = (original, found)
    return found


@dataclass(frozen=True)
class Cues:
    """A rule's normalised cues, ready to test hits against."""

    before: tuple[str, ...]
    after: tuple[str, ...]
    clause: tuple[str, ...] = ()
    next_sentence: tuple[str, ...] = ()
    _clause_finder: "ahocorasick_rs.AhoCorasick | None" = field(default=None, init=False, repr=False, compare=False)
    _clause_reach: int = field(default=0, init=False, repr=False, compare=False)
    _next_sentence_finder: "ahocorasick_rs.AhoCorasick | None" = field(default=None, init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        if self.clause:
            # Rules share their cue lists (YAML anchors): one automaton per list.
            object.__setattr__(self, "_clause_finder", _finder(self.clause))
            object.__setattr__(self, "_clause_reach", LATIN_CLAUSE_REACH + max(map(len, self.clause)))
        if self.next_sentence:
            object.__setattr__(self, "_next_sentence_finder", _finder(self.next_sentence))

    def kept(self, nt: NormalisedText, spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
        """The hits ``spans`` that no cue negates, directly or as the next item of a
        list whose first (``before``) or last (``after``) item a cue negates."""
        text = nt.text
        ordered = sorted(spans)
        negated = [self.negates(nt, s, e) for s, e in ordered]
        if not any(negated):
            return ordered
        for i in range(1, len(ordered)):  # forwards: 不会通知家人、同事
            if negated[i - 1] and not negated[i] and _joined(text, ordered[i - 1][1], ordered[i][0]):
                negated[i] = True
        for i in range(len(ordered) - 2, -1, -1):  # backwards: 家人、同事这种说法
            if negated[i + 1] and not negated[i] and _joined(text, ordered[i][1], ordered[i + 1][0]):
                negated[i] = True
        return [span for span, no in zip(ordered, negated) if not no]

    def negates(self, nt: NormalisedText, start: int, end: int) -> bool:
        """Whether the hit ``nt.text[start:end]`` sits right after a ``before`` cue, right
        before an ``after`` cue, or later in the clause of a ``clause`` cue; a hit inside
        quotation marks also where its quotation does (您说的“爆通讯录”, 以“上门”相威胁)."""
        if self._negates_at(nt, start, end):
            return True
        if self._next_sentence_finder is not None and self._disowned(nt, end):
            return True
        if not _has_quotation_mark(nt.original):
            return False
        # The quotation the hit starts in: the one that holds it, or, where the hit runs on
        # past the closing mark (a pattern's words reaching further), the one it leaves.
        original_start = nt.span(start, end)[0]
        held = quotation(nt.original, original_start, original_start + 1)
        if held is None:
            return False
        quoted_start, quoted_end = nt.index_at(held[0]), nt.index_at(held[1])
        return (quoted_start, quoted_end) != (start, end) and quoted_start < quoted_end \
            and self._negates_at(nt, quoted_start, quoted_end)

    def _negates_at(self, nt: NormalisedText, start: int, end: int) -> bool:
        text = nt.text
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
        return self._clause_finder is not None and self._clause_negates(nt, start, end)

    def _clause_negates(self, nt: NormalisedText, start: int, end: int) -> bool:
        # In a list whose items each repeat the negation ("we never post ..., never
        # publish ..., never put ..."), the cue's reach counts from the hit's item on.
        reach_from = _renewed_from(nt, start)
        window_start = max(0, reach_from - self._clause_reach)
        # A cue may run into the hit ("nobody goes to" before "goes to jail"): it need
        # only start before it.
        for index, cue_start, cue_end in self._clause_finder.find_matches_as_indexes(  # type: ignore[union-attr]
                nt.text[window_start:end], overlapping=True):
            cue_start += window_start
            cue_end += window_start
            if cue_start >= start:
                continue
            gap = max(reach_from - cue_end, 0)
            if (gap <= CLAUSE_REACH or (gap <= LATIN_CLAUSE_REACH and nt.text[cue_end:start].isascii())) \
                    and self._reaches(nt, self.clause[index], cue_start, cue_end, start, end):
                return True
        return False

    def _disowned(self, nt: NormalisedText, end: int) -> bool:
        """Whether the sentence after the one that holds the hit ending at ``end`` has a
        ``next_sentence`` cue ("... saying you would be arrested. That call did not come
        from us.")."""
        text = nt.text
        if not self._next_sentence_finder.find_matches_as_indexes(text[end:]):  # type: ignore[union-attr]
            return False  # the usual case: no cue anywhere after the hit
        original = nt.original
        sentence_end = _sentence_end(original, nt.span(end - 1, end)[1])
        if sentence_end is None:
            return False
        following = sentence_end + 1
        while following < len(original) and (original[following] in _SENTENCE_ENDS or original[following].isspace()):
            following += 1
        following_end = _sentence_end(original, following)
        start = nt.index_at(following)
        stop = nt.index_at(following_end) if following_end is not None else len(text)
        for index, cue_start, cue_end in self._next_sentence_finder.find_matches_as_indexes(  # type: ignore[union-attr]
                text[start:stop], overlapping=True):
            if _whole_word(text, self.next_sentence[index], cue_start + start, cue_end + start):
                return True
        return False

    @staticmethod
    def _reaches(nt: NormalisedText, cue: str, cue_start: int, cue_end: int, start: int, end: int) -> bool:
        """Whether the clause cue at ``text[cue_start:cue_end]`` negates the hit at ``start``."""
        text = nt.text
        if not _whole_word(text, cue, cue_start, cue_end):
            return False
        between = text[cue_end:start] if cue_end < start else ""
        if any(turn in f" {between} " for turn in _TURNS):
            return False
        if text[cue_end:cue_end + _LONGEST_NOT_NEGATING + 1].lstrip(" ").startswith(_NOT_NEGATING):
            return False
        original = nt.original
        cue_start_original, cue_end_original = nt.span(cue_start, cue_end)
        hit_start, hit_end = nt.span(start, end)
        negating = bool(_NEGATION.search(cue))
        listing = negating and not _subordinate(original, cue_start_original)
        if cue_end < start and _ends_clause(original, cue_end_original, hit_start, listing=listing):
            return False
        # A negation in a condition negates nothing (if you do not pay ...); a report in
        # one still reports (如果有人让您另交结清费, if anyone threatens to sue you).
        if negating and _conditional(nt, cue_start, cue_start_original):
            return False
        # A negation in a question is rhetorical (你以为我们不会去你单位吗？); a report
        # of someone's question is not (有人跟您说欠钱会坐牢？).
        return not (negating and _is_question(original, hit_end))


# What opens an item of a list that repeats its negation: ", never publish ...", ", and never tell ...".
_RENEWING_ITEM = re.compile(r",\s*(?:and\s+|or\s+)?(?:never|not|nor)\s+[a-z]", re.IGNORECASE)
_RENEWED_ITEMS = 4


def _renewed_from(nt: NormalisedText, start: int) -> int:
    """The normalised offset of the first item of the run of list items, each opened by a
    repeated negation (", never ..."), that ends with the item holding the hit at
    ``start``; ``start`` itself when that item opens no such run."""
    original = nt.original
    position = nt.span(start, start + 1)[0] if start < len(nt.text) else len(original)
    renewed = position
    for _ in range(_RENEWED_ITEMS):
        comma = original.rfind(",", 0, renewed)
        if comma < 0 or any(c in _CLAUSE_ENDS and c != "," for c in original[comma + 1:renewed]):
            break
        if not _RENEWING_ITEM.match(original, comma):
            break
        renewed = comma
    return start if renewed == position else nt.index_at(renewed)


def _whole_word(text: str, cue: str, cue_start: int, cue_end: int) -> bool:
    """Whether the cue found at ``text[cue_start:cue_end]`` is no part of a longer word
    where it starts or ends with a Latin letter or digit (``not`` inside ``cannot``)."""
    if _is_word_char(cue[0]) and cue_start and _is_word_char(text[cue_start - 1]):
        return False
    return not (_is_word_char(cue[-1]) and cue_end < len(text) and _is_word_char(text[cue_end]))


def _opens_quotation(original: str, i: int) -> bool:
    """Whether ``original[i]`` is a colon that a quotation mark follows (spaces apart)."""
    if original[i] not in ":：":
        return False
    rest = original[i + 1:i + 4].lstrip()
    return bool(rest) and ANY_MARK.match(rest) is not None


def _ends_clause(original: str, start: int, end: int, listing: bool) -> bool:
    """Whether clause punctuation in ``original[start:end]`` (between a cue and a hit)
    ends the cue's clause. A full stop inside an abbreviation or a number (U.S., a.m.,
    Mr., $312.00) ends nothing. After an English negation, commas may only separate a
    list of what is denied ("we will never post your details online, call your boss, or
    shame you"): they end the clause only where a new subject or a turn follows them.
    A colon that opens a quotation ends nothing either: the quotation is what the clause
    reports or forbids ("never to be used: \"we'll call your boss\"")."""
    stretch = original[start:end]
    ends = [i for i in range(start, end) if original[i] in _CLAUSE_ENDS
            and not _inner_full_stop(original, i) and not _opens_quotation(original, i)]
    if not listing or not stretch.isascii():
        return bool(ends)
    if any(original[i] != "," for i in ends):
        return True
    # Quoted items are what is denied, not new clauses: never say "we'll call your boss", ...
    for item in _DOUBLE_QUOTED.sub('""', stretch).split(",")[1:]:
        words = re.findall(r"[a-z]+", item.lower().replace("'", "").replace("\u2019", ""))
        if any(word in _NEW_CLAUSE_WORDS for word in words):
            return True
    return False


_DOUBLE_QUOTED = re.compile('"[^"\n]*"|\u201c[^\u201d\n]*\u201d')


# Words that open a subordinate clause: a negation inside one ends at its comma
# ("although your agreement does not provide for it, a $95 fee has been added").
_SUBORDINATORS = frozenset("although though whereas while since because".split())


_SENTENCE_ENDS = ".!?。！？\n…"
_SENTENCE_END = re.compile(f"[{_SENTENCE_ENDS}]")


def _sentence_end(original: str, offset: int) -> int | None:
    """The index of the punctuation that ends the sentence going on at ``offset``
    (``None`` at the end of the text); a full stop inside U.S., a.m. or $312.00 ends none."""
    for found in _SENTENCE_END.finditer(original, offset):
        if not _inner_full_stop(original, found.start()):
            return found.start()
    return None


def _subordinate(original: str, cue_start: int) -> bool:
    """Whether the cue at ``original[cue_start]`` stands in a clause that a subordinating
    word (although, because ...) opens."""
    before = original[max(0, cue_start - LATIN_CLAUSE_REACH):cue_start]
    ends = [i for i, ch in enumerate(before) if ch in _CLAUSE_ENDS and ch != "," and not _inner_full_stop(before, i)]
    clause = before[ends[-1] + 1:] if ends else before
    words = re.findall(r"[a-z]+", clause.lower())
    return any(word in _SUBORDINATORS for word in words)


def _inner_full_stop(text: str, i: int) -> bool:
    """Whether the full stop at ``text[i]`` belongs to an abbreviation (U.S., a.m., Mr.)
    or a number ($312.00) rather than ending a sentence."""
    if text[i] != ".":
        return False
    before = text[max(0, i - 3):i]
    after = text[i + 1:i + 2]
    if before[-1:].isdigit() and after.isdigit():
        return True
    if len(before) >= 1 and before[-1].isalpha() and (len(before) < 2 or not before[-2].isalpha()):
        return True  # a single letter: U.S., a.m., J. Smith
    return before.lower() in _TITLES or before[-2:].lower() in _TITLES


def _conditional(nt: NormalisedText, cue_start: int, cue_start_original: int) -> bool:
    """Whether a condition word (如果, if ...) stands shortly before the cue in its clause."""
    before = max(0, cue_start - CONDITION_REACH)
    if nt.text[before:cue_start].isascii():
        # English words are longer: "if the payment doesn't clear" puts 15 characters
        # between the condition and its negation
        before = max(0, cue_start - LATIN_CONDITION_REACH)
    padded = f" {nt.text[before:cue_start]} "
    for word in _CONDITIONS:
        found = padded.rfind(word)
        if found >= 0:
            # padded[found] is the condition's first character, or the space before it.
            condition_start = nt.span(before + max(found - 1, 0), cue_start)[0]
            if not any(c in _CLAUSE_ENDS for c in nt.original[condition_start:cue_start_original]):
                return True
    return False


@lru_cache(maxsize=None)
def _finder(cues: tuple[str, ...]) -> ahocorasick_rs.AhoCorasick:
    return ahocorasick_rs.AhoCorasick(list(cues))


def _is_question(original: str, offset: int) -> bool:
    """Whether the clause that goes on at ``offset`` of the original text asks a question."""
    for i in range(offset, len(original)):
        c = original[i]
        if c in _CLAUSE_ENDS:
            return c in "?？" or original[:i].rstrip().endswith("吗")
    return original.rstrip().endswith("吗")
