"""``classifier``: a linear model over character n-grams, trained on a labelled corpus.

Phrase rules reach the wording they were written for; collectors keep finding new
wording for the same threat. A classifier rule scores the whole message with a
sparse logistic-regression model shipped beside the pack (``model:``, a JSON file
that ``compliance-check packs train`` writes from a labelled corpus), and fires when

- the message's probability of being a violation is at least ``threshold``, and
- the model's category model ranks the rule's ``category`` first among the categories.

So a pack holds one classifier rule per category, all naming the same model: each
carries its category's citation, message and suggestion. The finding's span is the
evidence: the run of text whose n-grams raised the score most. Classifier rules are a
net under the others: the checker runs them only for a message no other rule blocked
(``Checker.check``), asking ``could_fire`` of each before running any.

Features: every n-gram (lengths ``ngrams`` in the model, 2 to 4 characters by default)
of the normalised text, less those that begin or end with a space, counted, and
scaled by ``1 / sqrt(number of n-gram positions)`` (at least ``length_floor`` of them) so
that long messages do not score higher for their length, nor a two-word chat line
tenfold. Only n-grams the training kept (L1 regularisation keeps about a thousand of
tens of thousands) carry a weight, and the model file lists them, so it can be read and
reviewed.

Cost: the violation model's positive n-grams join the packs' one Aho-Corasick scan,
which finds every occurrence of each; their weights summed bound the score from above
(the other n-grams only lower it), so a message they cannot lift to the threshold is not
scored at all; whether a message holds any of them is one bit of the role mask the scan
computes for every message (``_ChannelPlan.weigh_bit``). A model trained with
``--positive-max-background`` has positive weights only on n-grams ordinary messages do
not use, so most messages hold none of them. The rest are scored exactly with the model's
own automaton, and only those at the threshold go on to the category models.

Failing example (cn-collection's ``CN-THREAT-ML``, ``rules/cn-collection.model.json``,
threshold 0.8; no phrase rule of the pack catches it)::

    你再躲着试试，哪天在停车场碰见你，可就不是坐下来聊天这么简单了。   -> threat_violence, on 你再躲着试试，哪天在停车场碰见你，可就不是

Passing example::

    您的借款已逾期3天，请于{due_date}前通过官方App还款，如有困难可申请协商分期
"""
from __future__ import annotations

import hashlib
import json
import math
import os
from dataclasses import dataclass, field
from pathlib import Path
from threading import Lock
from typing import Any

import ahocorasick_rs

from ..packs.model import Rule
from ..text.normalise import NormalisedText
from . import Match, MatchContext

KIND = "classifier"
MODEL_FORMAT = 1
DEFAULT_THRESHOLD = 0.5


def ngram_positions(length: int, low: int, high: int) -> int:
    """How many n-grams of lengths ``low``..``high`` a text of ``length`` characters has."""
    if length >= high:  # every length fits: (length + 1 - n) summed over n, in closed form
        return (high - low + 1) * (length + 1) - (low + high) * (high - low + 1) // 2
    return sum(max(0, length - n + 1) for n in range(low, high + 1))


def length_scale(length: int, low: int, high: int, floor: int = 1) -> float:
    """Each n-gram's value per occurrence: 1 / sqrt(positions), with at least ``floor``
    positions counted, so that a two-word message does not weigh its n-grams tenfold."""
    return 1.0 / math.sqrt(max(floor, ngram_positions(length, low, high)))


def ngram_counts(text: str, low: int, high: int) -> dict[str, int]:
    """The features of normalised ``text``: n-gram -> count, edge-space n-grams left out."""
    counts: dict[str, int] = {}
    for n in range(low, high + 1):
        for i in range(len(text) - n + 1):
            gram = text[i:i + n]
            if gram[0] != " " and gram[-1] != " ":
                counts[gram] = counts.get(gram, 0) + 1
    return counts


@dataclass(frozen=True)
class Linear:
    """One weight set: logit = bias + scale * sum(weight of each n-gram occurrence)."""

    bias: float
    weights: dict[str, float]


@dataclass(frozen=True)
class Judgement:
    probability: float  # of a violation
    # the model's n-grams found, (feature index, start, end): the evidence is read from
    # them only for a message that fires
    occurrences: list[tuple[int, int, int]]


@dataclass(eq=False)
class Model:
    """A trained model file, loaded. ``judge`` is thread-safe."""

    path: str
    sha256: str  # of the file's bytes: what a pack's content hash records for it
    low: int
    high: int
    floor: int
    violation: Linear
    categories: dict[str, Linear]
    _features: list[str] = field(default_factory=list, repr=False)
    _feature_weights: list[float] = field(default_factory=list, repr=False)
    _automaton: Any = field(default=None, repr=False)
    _last: tuple[str, Judgement] | None = field(default=None, repr=False)
    _last_category: tuple[str, str | None] | None = field(default=None, repr=False)
    # the category models' n-grams, each with its (category index, weight) pairs
    _category_names: list[str] = field(default_factory=list, repr=False)
    _category_rows: list[tuple[tuple[int, float], ...]] = field(default_factory=list, repr=False)
    _category_automaton: Any = field(default=None, repr=False)

    def __post_init__(self) -> None:
        self._features = list(self.violation.weights)
        self._feature_weights = [self.violation.weights[g] for g in self._features]
        self._automaton = ahocorasick_rs.AhoCorasick(self._features) if self._features else None
        self._category_names = list(self.categories)
        grams = sorted({g for linear in self.categories.values() for g in linear.weights})
        self._category_rows = [tuple((k, linear.weights[g]) for k, linear in enumerate(self.categories.values()) if g in linear.weights)
                               for g in grams]
        self._category_automaton = ahocorasick_rs.AhoCorasick(grams) if grams else None

    def judge(self, text: str) -> Judgement:
        """Score normalised ``text``. The last answer is kept: every rule of the model
        asks about the same message in turn."""
        last = self._last
        if last is not None and last[0] == text:
            return last[1]
        occurrences = self._automaton.find_matches_as_indexes(text, overlapping=True) if self._automaton else []
        weights = self._feature_weights
        scale = length_scale(len(text), self.low, self.high, self.floor)
        logit = self.violation.bias + scale * sum(weights[i] for i, _, _ in occurrences)
        judgement = Judgement(_sigmoid(logit), occurrences)
        self._last = (text, judgement)
        return judgement

    def category(self, text: str) -> str | None:
        """The category models' first choice for normalised ``text`` (None without
        them); asked only of a message judged a violation."""
        last = self._last_category
        if last is not None and last[0] == text:
            return last[1]
        category = None
        if self.categories:
            # One scan for every category model: an occurrence of an n-gram adds its
            # weight to each category that has it (what ``Linear.logit`` sums per model).
            sums = [0.0] * len(self._category_names)
            if self._category_automaton is not None:
                rows = self._category_rows
                for index, _, _ in self._category_automaton.find_matches_as_indexes(text, overlapping=True):
                    for k, weight in rows[index]:
                        sums[k] += weight
            scale = length_scale(len(text), self.low, self.high, self.floor)
            biases = [linear.bias for linear in self.categories.values()]
            best = max(range(len(sums)), key=lambda k: biases[k] + scale * sums[k])
            category = self._category_names[best]
        self._last_category = (text, category)
        return category

    def evidence(self, text: str, judgement: Judgement) -> tuple[int, int]:
        """The span of normalised ``text`` that raised its score most (``_evidence``)."""
        return _evidence(judgement.occurrences, self._feature_weights, len(text))

    def positive_features(self) -> dict[str, float]:
        return {g: w for g, w in self.violation.weights.items() if w > 0}


def _sigmoid(x: float) -> float:
    if x >= 0:
        return 1.0 / (1.0 + math.exp(-x))
    e = math.exp(x)
    return e / (1.0 + e)


def _evidence(occurrences: list[tuple[int, int, int]], weights: list[float], length: int) -> tuple[int, int]:
    """The stretch of text that raised the score most: each n-gram's weight spread over
    its characters, then the run of characters with the largest sum (Kadane), so a
    phrase of several strong n-grams wins over one strong n-gram on its own, and a
    negated stretch (不会...) pulls its run down."""
    per_char = [0.0] * length
    for index, start, end in occurrences:
        share = weights[index] / (end - start)
        for k in range(start, end):
            per_char[k] += share
    best, best_span = 0.0, (0, length)
    run, run_start = 0.0, 0
    for k, value in enumerate(per_char):
        if run <= 0:
            run, run_start = 0.0, k
        run += value
        if run > best:
            best, best_span = run, (run_start, k + 1)
    return best_span


class ModelError(ValueError):
    """A model file that cannot be used; the message names the field."""


_MODELS: dict[str, Model] = {}
_MODELS_LOCK = Lock()


def _renew_lock() -> None:
    # A fork copies the lock as it is: held, if another thread held it (the decision
    # log's process is forked from a server with threads).
    global _MODELS_LOCK
    _MODELS_LOCK = Lock()


os.register_at_fork(after_in_child=_renew_lock)


def load_model(path: str | Path) -> Model:
    """The model in ``path`` (loaded once per process). Raises ``ModelError``."""
    key = str(Path(path).resolve())
    with _MODELS_LOCK:
        model = _MODELS.get(key)
        if model is None:
            model = _MODELS[key] = _read_model(Path(path))
        return model


def _linear(data: Any, where: str) -> Linear:
    if not isinstance(data, dict) or not isinstance(data.get("bias"), (int, float)) or not isinstance(data.get("weights"), dict):
        raise ModelError(f"{where}: needs a number 'bias' and an object 'weights'")
    for gram, weight in data["weights"].items():
        if not gram or not isinstance(weight, (int, float)):
            raise ModelError(f"{where}.weights: {gram!r} needs a number weight")
    return Linear(float(data["bias"]), {g: float(w) for g, w in data["weights"].items()})


def _read_model(path: Path) -> Model:
    try:
        raw = path.read_bytes()
        data = json.loads(raw.decode("utf-8"))
    except OSError as e:
        raise ModelError(f"cannot read the model file: {e.strerror or e}") from None
    except ValueError as e:
        raise ModelError(f"not JSON: {e}") from None
    if not isinstance(data, dict) or data.get("format") != MODEL_FORMAT:
        raise ModelError(f"format: expected {MODEL_FORMAT}")
    ngrams = data.get("ngrams")
    if not (isinstance(ngrams, list) and len(ngrams) == 2 and all(isinstance(n, int) for n in ngrams) and 1 <= ngrams[0] <= ngrams[1] <= 8):
        raise ModelError("ngrams: expected [low, high], 1 <= low <= high <= 8")
    floor = data.get("length_floor", 1)
    if not isinstance(floor, int) or floor < 1:
        raise ModelError("length_floor: expected a positive integer")
    categories = data.get("categories", {})
    if not isinstance(categories, dict):
        raise ModelError("categories: expected an object")
    return Model(
        path=str(path),
        sha256=hashlib.sha256(raw).hexdigest(),
        low=ngrams[0],
        high=ngrams[1],
        floor=floor,
        violation=_linear(data.get("violation"), "violation"),
        categories={c: _linear(m, f"categories.{c}") for c, m in categories.items()},
    )


def check_rule(raw: dict[str, Any], folder: Path) -> list[tuple[tuple[str, ...], str]]:
    """The model file the rule names (relative to the pack file's ``folder``) must load
    and know the rule's category."""
    path = folder / raw["model"]
    try:
        model = load_model(path)
    except ModelError as e:
        return [(("model",), f"model file {raw['model']}: {e}")]
    category = raw.get("category")
    if model.categories and category not in model.categories:
        return [(("category",), f"model file {raw['model']} has no category {category!r} (it has: {', '.join(sorted(model.categories))})")]
    return []


@dataclass(frozen=True)
class Prepared:
    model: Model
    threshold: float
    category: str | None


def compile_rule(rule: Rule) -> Prepared:
    """The rule's model, found beside the pack file that defines the rule."""
    model = load_model(Path(rule.folder) / rule.params["model"])
    return Prepared(model, float(rule.params.get("threshold", DEFAULT_THRESHOLD)), rule.category)


@dataclass(eq=False)
class Prefilter:
    """A model's positive n-grams with their weights, and the least logit that fires:
    the scan sums the weights of those it found (an upper bound of the score: the
    model's other n-grams only lower it) and opens the model's rules only when that
    could reach ``threshold``."""

    weights: dict[str, float]
    low: int
    high: int
    floor: int
    bias: float
    least_logit: float
    ascii_phrases: bool = field(init=False)  # whether any weighted n-gram could occur in ASCII text

    def __post_init__(self) -> None:
        self.ascii_phrases = any(gram.isascii() for gram in self.weights)

    def opens(self, total: float, length: int) -> bool:
        """Whether n-grams weighing ``total`` in a text of ``length`` characters could
        reach the threshold: ``bias + total * length_scale(...) >= least_logit``, without
        a square root (every message with one of the model's n-grams asks)."""
        needed = self.least_logit - self.bias
        if needed <= 0:  # a threshold under the bias's own probability
            return self.bias + total * length_scale(length, self.low, self.high, self.floor) >= self.least_logit
        if total <= 0:
            return False
        return total * total >= needed * needed * max(self.floor, ngram_positions(length, self.low, self.high))


_PREFILTERS: dict[tuple[str, float], Prefilter] = {}


def prefilter(params: dict[str, Any], prepared: Prepared) -> Prefilter:
    """One per model and threshold, shared by the rules that use them."""
    key = (prepared.model.path, prepared.threshold)
    with _MODELS_LOCK:
        found = _PREFILTERS.get(key)
        if found is None:
            model = prepared.model
            t = prepared.threshold
            found = _PREFILTERS[key] = Prefilter(model.positive_features(), model.low, model.high, model.floor,
                                                 model.violation.bias, math.log(t / (1 - t)))
        return found


def could_fire(prepared: Prepared, scanned: NormalisedText) -> bool:
    """Whether the rule fires on the message the scan read: the model's probability
    reaches the threshold and the category models rank the rule's category first. The
    model keeps its last answers, so the rules of one model cost one judgement."""
    model = prepared.model
    if model.judge(scanned.text).probability < prepared.threshold:
        return False
    category = model.category(scanned.text)
    return category is None or category == prepared.category


def find(params: dict[str, Any], prepared: Prepared, ctx: MatchContext) -> list[Match]:
    # The model reads what the scan read (the prefilter summed its n-grams there), not
    # the pack's variant rewrite, which may differ in length.
    scanned = ctx.scanned
    if not could_fire(prepared, scanned):
        return []
    model = prepared.model
    start, end = model.evidence(scanned.text, model.judge(scanned.text))
    return [Match(*scanned.span(start, end), in_original=True)]
