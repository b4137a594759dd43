"""next-contact: the earliest instant at which one more contact would give no finding.

The contact asked about is an outbound record on the given channel to party debtor,
consent false, for the account; its debtor, phone and zones are those of the
account's latest record in the log unless given. Its outcome is not known before
the call, so it must pass with every outcome (no outcome, conversation, voicemail,
no_answer, not_connected, delivered, failed) unless one is given.

The search starts at ``after``. At each candidate instant every rule that would give
the contact a finding says until when, at least, it keeps doing so (the end of the
window, the day a counted contact leaves the count, the end of a cooldown; never,
after a cease request); the search moves to the latest of those and asks again,
until no rule objects. A rule's answer is computed from the same records, in the
same order (by time, ties by log position: the new contact comes last), as the
audit judges, so a record added at the answer gives no finding and one a second
earlier gives one.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Iterable

from .audit import NO_ZONE, Auditor
from .records import Record, Rejected
from .zones import UTC, local, record_zones, zones_for_tz

OUTCOMES = (None, "conversation", "voicemail", "no_answer", "not_connected", "delivered", "failed")
NEXT_ID = "next-contact"
# Beyond this the answer is "never" (null): e.g. candidate zones so far apart that no
# hour is inside every zone's window.
HORIZON_DAYS = 400


class NoZone(ValueError):
    pass


@dataclass
class Blocker:
    rule: str
    pack: str
    kind: str
    until: float | None  # None: for good


@dataclass
class NextContact:
    allowed_at: float | None
    zone: Any  # where allowed_at and the untils are written
    blocked_by: list[Blocker] = field(default_factory=list)
    rejected: list[Rejected] = field(default_factory=list)

    def iso(self, ts: float | None) -> str | None:
        return None if ts is None else local(ts, self.zone).isoformat()

    def to_dict(self) -> dict[str, Any]:
        return {
            "allowed_at": self.iso(self.allowed_at),
            "blocked_by": [{"rule": b.rule, "pack": b.pack, "kind": b.kind, "until": self.iso(b.until)} for b in self.blocked_by],
        }


def hypothetical(records: list[Record], account: str, channel: str, at: datetime, outcome: str | None = None,
                 tz: str | None = None, phone: str | None = None, debtor: str | None = None) -> Record:
    """The contact next-contact judges, at ``at``: the account's latest record gives
    debtor, phone and zones unless they are given."""
    latest = max((r for r in records if r.account == account), key=lambda r: (r.ts, r.line), default=None)
    if latest is not None:
        debtor = debtor or latest.debtor
        if phone is None:
            phone = latest.phone
        if tz is None and phone == latest.phone:
            tz = latest.tz  # a new number brings its own zones
    line = max((r.line for r in records), default=0) + 1
    return Record(NEXT_ID, account, debtor or account, at, (channel, "outbound", "debtor", outcome, False), tz, phone,
                  None, line, zones_for_tz(tz) if tz else None)


def next_contact(auditor: Auditor, items: Iterable[Record | Rejected], account: str, channel: str, after: datetime,
                 outcomes: tuple[str | None, ...] = OUTCOMES, tz: str | None = None, phone: str | None = None,
                 debtor: str | None = None) -> NextContact:
    items = list(items)
    records = [i for i in items if isinstance(i, Record)]
    rejected = [i for i in items if not isinstance(i, Record)]
    h = hypothetical(records, account, channel, after, None, tz, phone, debtor)
    after_ts = after.timestamp()
    plans = []  # (rule, evaluator, zones of the contact, history [(ts, day, id)])
    zone_out = None
    for crule in auditor.rules:
        zones = record_zones(h.zones, h.phone, crule.default_timezone)
        if zones is None:
            raise NoZone("no time zone for the contact: the account's records give none and a selected pack has no default_timezone; give --tz")
        zone_out = zone_out or zones[0]
        if not any(crule.matches((channel, "outbound", "debtor", o, False)) for o in outcomes):
            continue
        key = crule.key(h)
        history = []
        for r in records:
            if crule.key(r) != key or not crule.history(r.sig):
                continue
            r_zones = record_zones(r.zones, r.phone, crule.default_timezone)
            if r_zones is not None:  # else rejected, as the audit rejects it (below)
                history.append((r.ts, r.time.astimezone(r_zones[0]).toordinal(), r.id))
        history.sort(key=lambda e: e[0])
        plans.append((crule, crule.kind.Evaluator(crule), zones, history))
    for r in records:
        if any(record_zones(r.zones, r.phone, c.default_timezone) is None for c in auditor.rules):
            rejected.append(Rejected(r.line, [("tz", NO_ZONE)], r.id, r.account))
    result = NextContact(None, zone_out or UTC, rejected=sorted(rejected, key=lambda i: i.line))
    blockers: dict[tuple[str, str], Blocker] = {}
    t = after_ts
    horizon = after_ts + HORIZON_DAYS * 86400.0
    while t <= horizon:
        latest_until: float | None = t
        forever = False
        for crule, evaluator, zones, history in plans:
            locals_ = [local(t, z) for z in zones]
            prior = [e for e in history if e[0] <= t]
            closed, until, _ = evaluator.blocked(t, locals_, locals_[0].toordinal(), prior)
            if not closed:
                continue
            ident = (crule.pack.id, crule.rule.id)
            blocker = blockers.get(ident)
            if blocker is None:
                blocker = blockers[ident] = Blocker(crule.rule.id, crule.pack.id, crule.rule.kind, until)
            if until is not None and until <= t:
                until = t + 1.0  # never stand still (a rule's bound is always later; this is a guard)
            if until is None:
                forever = True
                blocker.until = None
            else:
                if blocker.until is not None:
                    blocker.until = max(blocker.until, until)
                latest_until = max(latest_until, until)
        if forever:
            result.blocked_by = list(blockers.values())
            return result
        if latest_until == t:
            result.allowed_at = t
            result.blocked_by = list(blockers.values())
            return result
        t = latest_until
    result.blocked_by = list(blockers.values())
    return result  # nothing allowed within the horizon: null
