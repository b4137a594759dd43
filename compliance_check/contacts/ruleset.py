"""What every contact rule kind shares: record filters, keys, and the compiled rule.

A *filter* (``match``, ``trigger``) selects records by ``channel``, ``direction``,
``party``, ``outcome`` (or ``outcome_not``) and ``consent``; an absent field selects
everything. It is compiled to a test on a record's signature, the tuple
``(channel, direction, party, outcome, consent)``, so the audit decides once per
distinct signature (a few hundred at most) which rules see a record.

A *key* says whose contacts a rule counts together: ``account`` (the debt),
``debtor`` (the person, across accounts) or ``phone`` (the number called, or the
debtor where a record has none).
"""
from __future__ import annotations

import functools
from dataclasses import dataclass
from operator import attrgetter
from types import ModuleType
from typing import Any, Callable, Hashable

from ..packs.model import Pack, Rule
from .records import Batch

CONTACT_KINDS = ("hours", "frequency", "cooldown", "cease", "opt_out")
Signature = tuple  # (channel, direction, party, outcome, consent)


def registry() -> dict[str, ModuleType]:
    from . import cease, cooldown, frequency, hours, opt_out

    return {m.KIND: m for m in (hours, frequency, cooldown, cease, opt_out)}


def compile_filter(spec: dict[str, Any] | None) -> Callable[[Signature], bool]:
    """A test on signatures from a filter mapping (``None``: every record)."""
    spec = spec or {}
    channels = frozenset(spec["channel"]) if "channel" in spec else None
    directions = frozenset(spec["direction"]) if "direction" in spec else None
    parties = frozenset(spec["party"]) if "party" in spec else None
    outcomes = frozenset(spec["outcome"]) if "outcome" in spec else None
    outcomes_not = frozenset(spec.get("outcome_not", ()))
    consent = spec.get("consent")

    def test(sig: Signature) -> bool:
        channel, direction, party, outcome, given = sig
        return ((channels is None or channel in channels)
                and (directions is None or direction in directions)
                and (parties is None or party in parties)
                and (outcomes is None or outcome in outcomes)
                and outcome not in outcomes_not
                and (consent is None or given == consent))

    return test


def key_function(name: str, per_channel: bool = False) -> Callable[[Any], Hashable]:
    """A record's key; ``per_channel``: the key together with the record's channel."""
    if name in ("account", "debtor"):
        return attrgetter(name, "channel") if per_channel else attrgetter(name)
    # A phone number, or the debtor where there is none (as a tuple, never equal to a number).
    if per_channel:
        return lambda r: (r.phone if r.phone is not None else ("debtor", r.debtor), r.channel)
    return lambda r: r.phone if r.phone is not None else ("debtor", r.debtor)


def key_column(name: str) -> Callable[[Batch], list]:
    """The keys of a batch's records, as ``key_function`` gives them one by one
    (without channels: a rule that keys by channel adds the channel itself)."""
    def keys(batch: Batch) -> list:
        if name == "account":
            return batch.accounts
        if name == "debtor":
            return batch.debtors
        return [p if p else ("debtor", d) for p, d in zip(batch.phones, batch.debtors)]

    return keys


def filter_problems(spec: Any, path: tuple) -> list[tuple[tuple, str]]:
    """What the schema cannot say about a filter: contradictions that select nothing."""
    if not isinstance(spec, dict):
        return []
    if "outcome" in spec and "outcome_not" in spec and set(spec["outcome"]) <= set(spec["outcome_not"]):
        return [(path + ("outcome_not",), "excludes every outcome that outcome selects: the filter selects no record")]
    return []


_KIND_FIELDS = ("match", "trigger", "key", "max", "days", "windows", "dates")


def misplaced_fields(rule: dict[str, Any], own: tuple[str, ...]) -> list[tuple[tuple, str]]:
    """Fields of other contact kinds that a rule of this kind would silently ignore."""
    return [((f,), f"{f!r} does not apply to {rule['kind']} rules (their fields: {', '.join(own)})")
            for f in _KIND_FIELDS if f in rule and f not in own]


@dataclass
class ContactRule:
    """A contact rule of a loaded pack, with its kind's evaluator class and filters."""

    rule: Rule
    pack: Pack
    kind: ModuleType
    matches: Callable[[Signature], bool]
    triggers: Callable[[Signature], bool] | None
    key: Callable[[Any], Hashable]
    default_timezone: str | None
    key_name: str  # rules with equal key names key records alike (channels aside)
    key_column: Callable[[Batch], list]

    @functools.cached_property
    def finding_fields(self) -> dict[str, Any]:
        """The fields every finding of this rule shares."""
        rule = self.rule
        return {"rule": rule.id, "pack": self.pack.id, "pack_version": self.pack.version, "kind": rule.kind,
                "category": None, "severity": rule.severity, "message": rule.message, "citation": rule.citation,
                "suggestion": rule.suggestion}

    @property
    def history(self) -> Callable[[Signature], bool]:
        """The records a rule remembers: its triggers, or for a counting rule what it counts."""
        return self.triggers or self.matches


def contact_rules(packs: list[Pack]) -> list[ContactRule]:
    kinds = registry()
    out = []
    for pack in packs:
        for rule in pack.rules:
            kind = kinds.get(rule.kind)
            if kind is None:
                continue
            params = rule.params
            name = params.get("key", "account")
            per_channel = getattr(kind, "PER_CHANNEL", False)
            out.append(ContactRule(
                rule=rule,
                pack=pack,
                kind=kind,
                matches=compile_filter(params.get("match")),
                triggers=compile_filter(params["trigger"]) if "trigger" in params else None,
                key=key_function(name, per_channel),
                default_timezone=pack.default_timezone,
                key_name=name,
                key_column=key_column(name),
            ))
    return out
