"""The contact-log audit: records in, findings and a summary out, in one pass.

Within a key (account, debtor, phone) records are judged in time order, ties by log
position. A log whose times never go backwards is judged as it streams, a chunk of
records at a time and rule by rule: each rule keeps only what its window needs (the
days and ids of counted contacts, the latest trigger day, standing cease and opt-out
requests), and state older than every window is swept away, so memory grows with the
accounts active within the longest window, not with the log. The first record whose
time goes backwards shows that the log is in some other order: the audit then starts
again over the records sorted in memory, which gives the same findings as the sorted
log would.

Times are judged as plain numbers: each record's local reading in its primary zone
(``LocalClock``), whose day and time of day the rules compare. Findings are kept as
tuples of the few values they need and made ``Finding`` objects once, sorted, at the end.
"""
from __future__ import annotations

import gc
import threading
from collections import Counter
from dataclasses import dataclass, field
from itertools import compress, count
from operator import itemgetter
from typing import Any, Callable, Iterable, Iterator

from ..findings import Finding
from ..packs.model import Pack
from .records import SIGNATURES, Batch, Chunk, LogReader, Record, Rejected, chunks_of
from .ruleset import ContactRule, contact_rules
from .zones import LocalClock, record_zones

SWEEP_EVERY = 1 << 16  # records between sweeps of state older than every window, at least
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
    peak_keys: int = 0  # most keys (accounts, debtors, numbers) the rules held, measured after each batch
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


class View:
    """A batch as one zone group's rules see it: each record's zones, its local reading
    in its primary zone (``LocalClock``) and its local day; key columns made on demand."""

    __slots__ = ("batch", "zones", "locals", "days", "several", "clock", "_keys")

    def __init__(self, batch: Batch, zones: list, clock: LocalClock):
        self.batch, self.zones, self.clock = batch, zones, clock
        self.locals = clock.locals(batch.ts, zones)
        self.days = clock.days(self.locals)
        self.several = {j for j, z in enumerate(zones) if len(z) > 1}  # positions with several zones
        self._keys: dict[Any, list] = {}

    def keys(self, crule: ContactRule) -> list:
        """The column of ``crule``'s keys."""
        column = self._keys.get(crule.key_name)
        if column is None:
            column = self._keys[crule.key_name] = crule.key_column(self.batch)
        return column


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
        # each rule's role by signature number: 0 none, 1 judged (its ``match``), 2 a trigger, 3 both
        self._roles: list[list[int]] = [[] for _ in self.rules]
        self._roles_lock = threading.Lock()  # one auditor serves the service's threads

    def audit(self, open_log: Callable[[], Iterable[Record | Rejected]]) -> AuditResult:
        """Audit the log ``open_log()`` reads. It is called a second time (to read the
        log again and sort it) only when the log turns out not to be time-ordered."""
        try:
            return self._run(_chunks(open_log()), check_order=True)
        except _Unordered:
            return self.audit_unordered(open_log())

    def audit_unordered(self, items: Iterable[Record | Rejected]) -> AuditResult:
        """Audit records in any order, sorted in memory first."""
        items = list(items)
        valid = sorted((i for i in items if isinstance(i, Record)), key=lambda r: (r.ts, r.line))
        rejected = [i for i in items if not isinstance(i, Record)]
        result = self._run(chunks_of(rejected + valid), check_order=False)
        result.streamed = False
        return result

    def _role_tables(self) -> int:
        """Extends the role tables to every signature known; returns how many that is."""
        with self._roles_lock:
            known = len(SIGNATURES)
            for c, table in zip(self.rules, self._roles):
                for sig in SIGNATURES[len(table):known]:
                    table.append((1 if c.matches(sig) else 0) | (2 if c.triggers is not None and c.triggers(sig) else 0))
            return known

    def _run(self, chunks: Iterable[Chunk], check_order: bool) -> AuditResult:
        # The audit makes no reference cycles, so the cycle collector has nothing to find;
        # left on, it walks the rules' state and the kept findings over and over.
        collecting = gc.isenabled()
        gc.disable()
        try:
            return self._judge_all(chunks, check_order)
        finally:
            if collecting:
                gc.enable()

    def _judge_all(self, chunks: Iterable[Chunk], check_order: bool) -> AuditResult:
        evaluators = [c.kind.Evaluator(c) for c in self.rules]
        rules = list(zip(count(1), self.rules, evaluators, self._group_of))
        width = len(self.rules) + 1  # a finding's sort key: line * width + rule number (0: input)
        clock = LocalClock()
        # (sort key, rule number, line, id, account, related, time, zone, agent), or (sort key, 0, Finding)
        kept: list[tuple] = []
        rejected_problems: list[tuple[int, str, str]] = []
        read = checked = rejected = 0
        latest = float("-inf")
        since_sweep = peak_keys = sweep_at = 0
        day = 0.0
        known = -1
        tables = self._roles
        for batch, bad in chunks:
            read += len(batch) + len(bad)
            for rec in bad:
                rejected += 1
                for field_name, message in rec.problems:
                    kept.append((rec.line * width, 0, input_finding(rec.line, field_name, message, rec.id, rec.account)))
                    rejected_problems.append((rec.line, field_name, message))
            if not batch.ids:
                continue
            ts = batch.ts
            if ts[0] < latest or ts != sorted(ts):
                if check_order:
                    raise _Unordered
            latest = max(latest, ts[-1])
            views = self._views(batch, clock, kept, rejected_problems, width)
            if views is None:
                rejected += len(batch)
                continue
            rejected += len(batch) - len(views[0].batch)
            batch = views[0].batch
            if len(SIGNATURES) != known:  # a batch's signatures are all listed before it is read
                known = self._role_tables()
            sigs = batch.sigs
            checked += len(sigs)
            for number, crule, evaluator, group in rules:
                table = tables[number - 1]
                roles = [table[s] for s in sigs]
                seen = list(compress(count(), roles))
                if seen:
                    hits: list = []
                    view = views[group]
                    evaluator.run(view, seen, roles, hits)
                    if hits:
                        lines, ids, accounts, times, agents = batch.lines, batch.ids, batch.accounts, batch.times, batch.agents
                        kept += [(lines[j] * width + number, number, lines[j], ids[j], accounts[j], related, times[j], zone,
                                  agents[j]) for j, related, zone in hits]
            day = views[0].days[-1]
            since_sweep += len(sigs)
            held = sum(len(getattr(e, "state", ())) for e in evaluators)
            peak_keys = max(peak_keys, held)
            if since_sweep >= SWEEP_EVERY and held >= sweep_at:
                since_sweep = 0
                for e in evaluators:
                    e.sweep(day)
                # A sweep walks every key: the next waits until the keys have doubled, so
                # each key it walks was added by a record since (O(1) a record however many
                # accounts are active), and the state stays within about twice the keys
                # still in use (none are swept while all are: a month of busy accounts)
                sweep_at = 2 * sum(len(getattr(e, "state", ())) for e in evaluators)
        kept.sort(key=itemgetter(0))
        findings = self._findings(kept)
        return AuditResult(findings, read, checked, rejected, self.pack_summaries, True, peak_keys, rejected_problems)

    def _views(self, batch: Batch, clock: LocalClock, kept: list, rejected_problems: list, width: int) -> list[View] | None:
        """Per zone group, the batch's view; records for which some group has no zone are
        rejected (an input finding each) and left out. ``None``: no record is left."""
        own = batch.zones
        if None not in own:
            return [View(batch, own, clock)] * len(self.defaults)
        by_group = [[z if z is not None else record_zones(None, phone or None, default)
                     for z, phone in zip(own, batch.phones)] for default in self.defaults]
        if any(None in zones for zones in by_group):
            keep = [j for j in range(len(own)) if all(zones[j] is not None for zones in by_group)]
            for j in sorted(set(range(len(own))) - set(keep)):
                line = batch.lines[j]
                kept.append((line * width, 0, input_finding(line, "tz", NO_ZONE, batch.ids[j], batch.accounts[j])))
                rejected_problems.append((line, "tz", NO_ZONE))
            if not keep:
                return None
            batch = batch.take(keep)
            by_group = [[zones[j] for j in keep] for zones in by_group]
        return [View(batch, zones, clock) for zones in by_group]

    def _findings(self, kept: list[tuple]) -> list[Finding]:
        """``Finding`` objects from the kept tuples, in their order.

        A rule's findings share all but six fields: each is made by copying the
        attribute dictionary of a first one (the copy shares its keys) and setting
        those six, a fifth of the time of the frozen dataclass's ``__init__``, which
        sets nineteen fields one call at a time (about 2 s for 500,000 findings)."""
        shared = [None] + [Finding(**c.finding_fields).__dict__ for c in self.rules]
        out = []
        append = out.append
        new, set_ = object.__new__, object.__setattr__
        last_time = last_zone = local_time = None
        for entry in kept:
            number = entry[1]
            if number:
                finding = new(Finding)
                fields = shared[number].copy()
                _, _, fields["line"], fields["event"], fields["account"], fields["related"], time, zone, agent = entry
                if time is not last_time or zone is not last_zone:
                    # a record's findings come together: most share its local time
                    local_time = time.astimezone(zone).isoformat()
                    last_time, last_zone = time, zone
                fields["local_time"] = local_time
                fields["agent"] = agent or None
                set_(finding, "__dict__", fields)  # Finding is frozen: its own __setattr__ refuses
                append(finding)
            else:
                append(entry[2])
        return out


def _chunks(items: Iterable[Record | Rejected]) -> Iterator[Chunk]:
    if isinstance(items, LogReader):
        return items.chunks()
    return chunks_of(items)
