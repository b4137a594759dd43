"""Message rule kinds, one module each.

Every kind module offers:

- ``KIND``: its name in pack YAML;
- ``find(params, prepared, ctx) -> list[Match]``: the rule's candidate matches;

and where it needs them (``kind_function`` supplies the defaults):

- ``check_params(params) -> list[(path, message)]``: problems beyond the schema;
- ``phrases(params) -> list[(role, phrase)]``: literal phrases the pack's one
  Aho-Corasick automaton should find for it (role ``term``, ``a``, ``b``, ...);
- ``compile(params)``: whatever the kind needs prepared once (a regex, a detector list);
  or ``compile_rule(rule)`` instead, for a kind that needs more of the rule than its
  params (the classifier: its category, and the pack file its model sits beside);
- optionally ``check_rule(raw, folder) -> list[(path, message)]``: problems only the
  files beside the pack (``folder``) can show (a classifier's model file);
- optionally ``prefilter(params, prepared) -> Prefilter``: weighted phrases for the
  shared scan and ``prefilter.opens(total, length)``: the rule runs only when the
  weights of its phrases found (with repeats) open it. Rules sharing a model return
  the same object, which the scan weighs once per message. Such a rule is a net under
  the others (run only for a message nothing else blocked), and its kind also offers
  ``could_fire(prepared, scanned) -> bool``, the exact test the checker asks of every
  opened rule before running any;
- optionally ``NEEDS_ALL_ROLES``: roles that must all have hits before the rule runs;
- optionally ``make_gate(params) -> gate``: ``gate(nt) -> bool`` is a cheap test, run
  once per message for all rules sharing it (return the same function object), without
  which a rule with no phrases would run on every message. A gate may carry
  ``gate.precheck(nt)``, a cheaper test shared by several gates: a false value when
  none of them can open, else a hashable key of all that those gates read of the
  message (a few distinct values), under which the checker keeps their answers.

The checker applies channel scope, word boundaries and ``except`` spans uniformly.
"""
from __future__ import annotations

from dataclasses import dataclass
from types import ModuleType

from ..text.normalise import NormalisedText


@dataclass(frozen=True)
class Match:
    """A candidate match. Offsets index the normalised text unless ``in_original``."""

    start: int
    end: int
    in_original: bool = False
    error: str | None = None  # the rule could not be evaluated
    missing: bool = False  # a required phrase is absent


class MatchContext:
    """What a kind sees of one message: the normalised text and this rule's phrase
    hits (role -> [(start, end)] in ``nt.text``), and ``scanned``, the view the packs'
    scan read before the pack's variants rewrote it (``nt`` itself when they did not):
    a classifier scores that, as the scan did."""

    __slots__ = ("nt", "hits", "scanned")

    def __init__(self, nt: NormalisedText, hits: dict[str, list[tuple[int, int]]] | None = None,
                 scanned: NormalisedText | None = None):
        self.nt = nt
        self.hits = hits if hits is not None else {}
        self.scanned = scanned if scanned is not None else nt


_DEFAULTS = {
    "check_params": lambda params: [],
    "phrases": lambda params: [],
    "compile": lambda params: None,
}


def kind_function(kind: ModuleType, name: str):  # noqa: ANN201 - one of the interface's functions
    """The kind's ``name`` function, or the interface default when it has none."""
    return getattr(kind, name, None) or _DEFAULTS[name]


def registry() -> dict[str, ModuleType]:
    from . import classifier, near, pattern, pii, required, terms

    return {m.KIND: m for m in (terms, pattern, near, required, pii, classifier)}
