"""``packs train``: fit a ``classifier`` rule's model on labelled corpora.

The corpus format is ``eval``'s. Two sparse logistic-regression models are fitted with
scikit-learn (L1 penalty, liblinear, balanced class weights, fixed seed), on the
features ``kinds/classifier.py`` reads at check time:

- ``violation``: every message, violation or not;
- ``categories``: one model per category, each against the other categories, on the
  violations only (a category is chosen only once a message is judged a violation).

Only the n-grams with a weight other than zero are written, sorted by weight, so a
reviewer can read what the model leans on. The file records the corpus files and
their SHA-256, so ``tests/test_models.py`` can tell a model trained on other data.
scikit-learn is needed here only (``pip install 'compliance-check[train]'``); checking
reads the JSON alone.
"""
from __future__ import annotations

import hashlib
import re
from pathlib import Path
from typing import Any, Iterable

from ..errors import InputError, Problem
from ..evaluate import LabelledMessage, RejectedRecord, read_corpus
from ..kinds.classifier import MODEL_FORMAT, length_scale, ngram_counts
from ..text.normalise import leet_view, normalise, spaced_view

DEFAULT_NGRAMS = (2, 4)
DEFAULT_C = 32.0
DEFAULT_MIN_DF = 2
# A message is scaled as if it had at least this many n-gram positions (about a
# 20-character message): short chat lines must not turn one n-gram into a verdict.
LENGTH_FLOOR = 60
_SEED = 0
_REFITS = 100


def model_text(original: str) -> str:
    """The text a model reads: the normalised text as the scan reads it (leetspeak and
    spaced letters decoded)."""
    return leet_view(spaced_view(normalise(original))).text


def read_labelled(paths: Iterable[Path]) -> tuple[list[LabelledMessage], list[dict[str, str]]]:
    """Every message of the corpus files, and each file's name and SHA-256. A rejected
    record stops training: a model must not quietly learn from part of its data."""
    messages: list[LabelledMessage] = []
    files = []
    problems = []
    for path in paths:
        try:
            raw = path.read_bytes()
        except OSError as e:
            raise InputError([Problem(str(path), 1, 1, "$", f"cannot read: {e.strerror or e}")]) from None
        files.append({"file": path.as_posix(), "sha256": hashlib.sha256(raw).hexdigest()})
        for item in read_corpus(raw.decode("utf-8", "replace").splitlines(), str(path)):
            if isinstance(item, RejectedRecord):
                field, _, message = item.error.partition(": ")
                problems.append(Problem(item.source, item.line, 1, field, message))
            else:
                messages.append(item)
    if problems:
        raise InputError(problems)
    return messages, files


def _fit(rows: list[tuple[dict[str, int], float]], labels: list[bool], vocab: dict[str, int], c: float) -> tuple[float, dict[str, float]]:
    from scipy.sparse import csr_matrix
    from sklearn.linear_model import LogisticRegression

    data, cols, indptr = [], [], [0]
    for counts, scale in rows:
        for gram, count in counts.items():
            j = vocab.get(gram)
            if j is not None:
                cols.append(j)
                data.append(count * scale)
        indptr.append(len(cols))
    x = csr_matrix((data, cols, indptr), shape=(len(rows), len(vocab)))
    # No intercept: a message the n-grams say nothing about scores 0.5, under any
    # threshold a pack would set, instead of whatever share of the corpus was violating.
    fitted = LogisticRegression(l1_ratio=1.0, solver="liblinear", C=c, class_weight="balanced", random_state=_SEED,
                                max_iter=1000, fit_intercept=False)
    fitted.fit(x, labels)
    grams = sorted(vocab, key=vocab.__getitem__)
    weights = {grams[j]: round(float(w), 6) for j, w in enumerate(fitted.coef_[0]) if round(float(w), 6) != 0.0}
    ordered = dict(sorted(weights.items(), key=lambda kv: (-kv[1], kv[0])))
    return 0.0, ordered


_HAN = re.compile("[\u3400-\u9fff\uf900-\ufaff]")


def train(paths: list[Path], ngrams: tuple[int, int] = DEFAULT_NGRAMS, c: float = DEFAULT_C,
          min_df: int = DEFAULT_MIN_DF, han_only: bool = False, background: list[Path] = (),
          positive_max_background: int | None = None) -> dict[str, Any]:
    """The model file's content, trained on the corpus files ``paths`` and the lawful
    ``background`` files (ordinary messages, all compliant). ``han_only`` keeps only
    n-grams with a Chinese character: a Chinese pack's model then has nothing to say
    about English text, and costs an English message nothing.

    With ``positive_max_background`` N, only an n-gram found in at most N background
    messages may raise the score: the model is refitted without any n-gram that came out
    positive while common in ordinary messages, until none does. Evidence of a violation
    is then wording ordinary messages do not use, which is both what a reviewer expects
    and what keeps the scan cheap (``kinds/classifier.py``: a message with none of those
    n-grams cannot reach the threshold, and is not scored)."""
    try:
        import sklearn
    except ImportError:
        raise InputError([Problem("<command line>", 1, 1, "$", "training needs scikit-learn: pip install 'compliance-check[train]'")]) from None
    messages, files = read_labelled(paths)
    lawful, background_files = read_labelled(background) if background else ([], [])
    if any(m.violation for m in lawful):
        raise InputError([Problem("<command line>", 1, 1, "--background", "background files hold ordinary lawful messages only (violation: false)")])
    messages, files = messages + lawful, files + background_files
    if not any(m.violation for m in messages) or all(m.violation for m in messages):
        raise InputError([Problem(str(paths[0]) if paths else "<command line>", 1, 1, "$.violation", "the corpus needs both violating and compliant messages")])
    low, high = ngrams
    rows = []
    for m in messages:
        text = model_text(m.text)
        rows.append((ngram_counts(text, low, high), length_scale(len(text), low, high, LENGTH_FLOOR)))
    frequency: dict[str, int] = {}
    for counts, _ in rows:
        for gram in counts:
            frequency[gram] = frequency.get(gram, 0) + 1
    vocab = {g: i for i, g in enumerate(sorted(g for g, n in frequency.items()
                                               if n >= min_df and (not han_only or _HAN.search(g))))}
    labels = [m.violation for m in messages]
    bias, weights = _fit(rows, labels, vocab, c)
    if positive_max_background is not None:
        in_background: dict[str, int] = {}
        for counts, _ in rows[len(rows) - len(lawful):]:
            for gram in counts:
                in_background[gram] = in_background.get(gram, 0) + 1
        barred: set[str] = set()
        for _ in range(_REFITS):
            common = {g for g, w in weights.items() if w > 0 and in_background.get(g, 0) > positive_max_background}
            if not common:
                break
            barred |= common
            vocab = {g: i for i, g in enumerate(sorted(g for g in vocab if g not in barred))}
            bias, weights = _fit(rows, labels, vocab, c)
        else:
            raise InputError([Problem("<command line>", 1, 1, "--positive-max-background",
                                      f"n-grams common in the background still came out positive after {_REFITS} refits")])
    violating = [(row, m.category) for row, m in zip(rows, messages) if m.violation and m.category]
    categories = {}
    names = sorted({cat for _, cat in violating})
    if len(names) > 1:
        for name in names:
            cat_bias, cat_weights = _fit([row for row, _ in violating], [cat == name for _, cat in violating], vocab, c)
            categories[name] = {"bias": cat_bias, "weights": cat_weights}
    return {
        "format": MODEL_FORMAT,
        "description": "Sparse logistic regression over character n-grams of the normalised text; "
                       "written by `compliance-check packs train`, read by the classifier rule kind.",
        "trainer": {"library": f"scikit-learn {sklearn.__version__}", "penalty": "l1", "solver": "liblinear",
                    "C": c, "class_weight": "balanced", "fit_intercept": False, "min_df": min_df, "seed": _SEED,
                    "positive_max_background": positive_max_background},
        "trained_on": files,
        "messages": {"violating": sum(m.violation for m in messages), "compliant": sum(not m.violation for m in messages),
                     "background": len(lawful)},
        "ngrams": [low, high],
        "features": "n-grams with a Chinese character" if han_only else "all n-grams",
        "length_floor": LENGTH_FLOOR,
        "violation": {"bias": bias, "weights": weights},
        "categories": categories,
    }
