"""The contact-log audit: records in, findings and a summary out, in one pass.

Within a key (account, debtor, phone) records are judged in time order, ties by log
position. A log whose times never go backwards is judged as it streams: each rule
keeps only what its window needs (a short deque of counted contacts, the latest
trigger day, standing cease and opt-out requests), and state older than every
window is swept away, so memory grows with the accounts active within the longest
window, not with the log. The first record whose time goes backwards shows that the
log is in some other order: the audit then starts again over the records sorted in
memory, which gives the same findings as the sorted log would.
"""
from __future__ import annotations

import gc
from collections import Counter
from dataclasses import dataclass, field
from typing import Any, Callable, Iterable, Iterator

from ..findings import Finding
from ..packs.model import Pack
from .records import Record, Rejected
from .ruleset import ContactRule, contact_rules
from .zones import record_zones

SWEEP_EVERY = 1 << 16  # records between sweeps of state older than every window, at least
BATCH = 1024  # records judged together, rule by rule
INPUT_RULE = "input"
NO_ZONE = "no time zone: the record has no tz, its phone gives none, and a selected pack has no default_timezone"


class _Unordered(Exception):
    """A record's time is earlier than one already judged."""


@dataclass
class AuditResult:
    findings: list[Finding]
    read: int
    checked: int
    rejected: int
    packs: list[dict[str, str]]
    streamed: bool  # judged as read (time-ordered log), or sorted in memory first
    peak_keys: int = 0  # most keys (accounts, debtors, numbers) the rules held, measured before each sweep
    rejected_problems: list[tuple[int, str, str]] = field(default_factory=list)  # (line, field, message)

    def summary(self) -> dict[str, Any]:
        by_severity = Counter(f.severity for f in self.findings if f.kind != "input")
        return {
            "read": self.read,
            "checked": self.checked,
            "rejected": self.rejected,
            "findings": sum(by_severity.values()),
            "by_severity": {s: by_severity.get(s, 0) for s in ("error", "warning", "info")},
            "by_kind": dict(sorted(Counter(f.kind for f in self.findings if f.kind != "input").items())),
            "by_rule": dict(sorted(Counter(f.rule for f in self.findings if f.kind != "input").items())),
            "by_agent": dict(sorted(Counter(f.agent or "-" for f in self.findings if f.kind != "input").items())),
            "order": "time-ordered (streamed)" if self.streamed else "not time-ordered (sorted in memory)",
            "packs": self.packs,
        }

    def to_dict(self) -> dict[str, Any]:
        return {"summary": self.summary(), "findings": [f.to_dict() for f in self.findings]}


def input_finding(line: int, field_name: str, message: str, event: str | None, account: str | None) -> Finding:
    return Finding(rule=INPUT_RULE, pack="-", pack_version="-", kind="input", category=None, severity="error",
                   message=f"{field_name}: {message}", line=line, event=event, account=account)


class Auditor:
    """The contact rules of some packs, ready to audit logs. Build once, audit many."""

    def __init__(self, packs: Iterable[Pack]):
        self.packs = list(packs)
        self.rules: list[ContactRule] = contact_rules(self.packs)
        self.pack_summaries = [p.summary() for p in self.packs if any(c.pack is p for c in self.rules)]
        # Rules are grouped by their pack's default zone: a record without zones of its
        # own is judged in that zone, so each group may see it in a different one.
        self.defaults: list[str | None] = list(dict.fromkeys(c.default_timezone for c in self.rules))
        self._group_of = [self.defaults.index(c.default_timezone) for c in self.rules]
        self._order = {(c.pack.id, c.rule.id): i for i, c in enumerate(self.rules)}

    def audit(self, open_log: Callable[[], Iterable[Record | Rejected]]) -> AuditResult:
        """Audit the log ``open_log()`` reads. It is called a second time (to read the
        log again and sort it) only when the log turns out not to be time-ordered."""
        try:
            return self._run(open_log(), check_order=True)
        except _Unordered:
            return self.audit_unordered(open_log())

    def audit_unordered(self, items: Iterable[Record | Rejected]) -> AuditResult:
        """Audit records in any order, sorted in memory first."""
        items = list(items)
        valid = sorted((i for i in items if isinstance(i, Record)), key=lambda r: (r.ts, r.line))
        rejected = [i for i in items if not isinstance(i, Record)]
        result = self._run(_chain(rejected, valid), check_order=False)
        result.streamed = False
        return result

    def _roles(self, sig: tuple) -> tuple[int, ...]:
        """For a record signature, each rule's role: 0 none, 1 judged (its ``match``),
        2 a trigger, 3 both."""
        return tuple((1 if c.matches(sig) else 0) | (2 if c.triggers is not None and c.triggers(sig) else 0)
                     for c in self.rules)

    def _run(self, items: Iterable[Record | Rejected], check_order: bool) -> AuditResult:
        # The audit makes no reference cycles, so the cycle collector has nothing to find;
        # left on, it walks the rules' state over and over (about 15% of the time).
        collecting = gc.isenabled()
        gc.disable()
        try:
            return self._judge_all(items, check_order)
        finally:
            if collecting:
                gc.enable()

    def _judge_all(self, items: Iterable[Record | Rejected], check_order: bool) -> AuditResult:
        """Records are judged a batch at a time, each rule running over the batch's records
        it sees, in order: the same as record by record, since rules share no state, and
        much cheaper than a call per record and rule."""
        evaluators = [c.kind.Evaluator(c) for c in self.rules]
        rules = list(enumerate(zip(self.rules, evaluators, self._group_of)))
        roles_of: dict[tuple, tuple[int, ...]] = {}
        groups = len(self.defaults)
        findings: list[Finding] = []
        rejected_problems: list[tuple[int, str, str]] = []
        read = checked = rejected = 0
        latest = float("-inf")
        since_sweep = peak_keys = 0
        sweep_after = SWEEP_EVERY
        batch: list[tuple[Record, tuple, tuple[int, ...]]] = []
        day = 0

        def judge_batch() -> None:
            for i, (crule, evaluator, group) in rules:
                seen = [(rec, views[group], role) for rec, views, roles in batch if (role := roles[i])]
                if seen:
                    hits: list = []
                    evaluator.run(seen, hits)
                    for rec, related, loc in hits:
                        findings.append(self._finding(crule, rec, related, loc))
            batch.clear()

        for rec in items:
            read += 1
            if rec.__class__ is not Record:
                rejected += 1
                for field_name, message in rec.problems:
                    findings.append(input_finding(rec.line, field_name, message, rec.id, rec.account))
                    rejected_problems.append((rec.line, field_name, message))
                continue
            ts = rec.ts
            if ts < latest:
                if check_order:
                    raise _Unordered
            else:
                latest = ts
            roles = roles_of.get(rec.sig)
            if roles is None:
                roles = roles_of[rec.sig] = self._roles(rec.sig)
            own = rec.zones
            if own is not None and len(own) == 1:
                loc = rec.time.astimezone(own[0])
                day = loc.toordinal()
                views = ((loc,), day) if groups == 1 else (((loc,), day),) * groups
                batch.append((rec, (views,) if groups == 1 else views, roles))
            else:
                by_group = self._views(rec, own)
                if by_group is None:
                    rejected += 1
                    findings.append(input_finding(rec.line, "tz", NO_ZONE, rec.id, rec.account))
                    rejected_problems.append((rec.line, "tz", NO_ZONE))
                    continue
                day = by_group[0][1]
                batch.append((rec, by_group, roles))
            checked += 1
            if len(batch) >= BATCH:
                judge_batch()
            since_sweep += 1
            if since_sweep >= sweep_after:
                judge_batch()
                since_sweep = 0
                peak_keys = max(peak_keys, sum(len(getattr(e, "state", ())) for e in evaluators))
                for e in evaluators:
                    e.sweep(day)
                # a sweep walks every key: wait at least as many records as there are keys
                # left, so sweeping costs O(1) a record however many accounts are active
                sweep_after = max(SWEEP_EVERY, sum(len(getattr(e, "state", ())) for e in evaluators))
        judge_batch()
        order = self._order
        findings.sort(key=lambda f: (f.line or 0, order.get((f.pack, f.rule), -1)))
        peak_keys = max(peak_keys, sum(len(getattr(e, "state", ())) for e in evaluators))
        return AuditResult(findings, read, checked, rejected, self.pack_summaries, True, peak_keys, rejected_problems)

    def _views(self, rec: Record, own: tuple | None) -> tuple | None:
        """Per zone group: the record's local times in its zones and its primary-zone day;
        ``None`` when some group has no zone for it."""
        out = []
        by_zones: dict[tuple, tuple] = {}
        for default in self.defaults:
            zones = record_zones(own, rec.phone, default)
            if zones is None:
                return None
            view = by_zones.get(zones)
            if view is None:
                locals_ = tuple(rec.time.astimezone(z) for z in zones)
                view = by_zones[zones] = (locals_, locals_[0].toordinal())
            out.append(view)
        return tuple(out)

    def _finding(self, crule: ContactRule, rec: Record, related: tuple[str, ...], loc: Any) -> Finding:
        return Finding(**crule.finding_fields, line=rec.line, event=rec.id, account=rec.account, related=related,
                       local_time=loc.isoformat(), agent=rec.agent)


def _chain(first: list, second: list) -> Iterator:
    yield from first
    yield from second
