"""Message rule kinds, one module each.

Every kind module offers:

- ``KIND``: its name in pack YAML;
- ``check_params(params) -> list[(path, message)]``: problems beyond the schema;
- ``phrases(rule) -> list[(role, phrase)]``: literal phrases the pack's one
  Aho-Corasick automaton should find for it (role ``term``, ``a``, ``b``, ...);
- ``compile(rule)``: whatever the kind needs prepared once (a regex, a detector list);
- ``find(rule, compiled, ctx) -> list[Match]``: the rule's candidate matches.

The checker applies channel scope, word boundaries and ``except`` spans uniformly.
"""
from __future__ import annotations

from dataclasses import dataclass, field
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


@dataclass
class MatchContext:
    nt: NormalisedText
    # role -> [(start, end)] phrase hits of this rule in nt.text
    hits: dict[str, list[tuple[int, int]]] = field(default_factory=dict)


def registry() -> dict[str, ModuleType]:
    from . import near, pattern, pii, required, terms

    return {m.KIND: m for m in (terms, pattern, near, required, pii)}
