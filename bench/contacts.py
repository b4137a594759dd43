"""Benchmark: contact-log records per second through the audit, against the floor.

    .venv/bin/python bench/contacts.py [--records 2000000] [--accounts 200000] [--repeat 3]

Workload: a generated, time-ordered CSV contact log (written to a temporary folder and
deleted afterwards): --records records over --accounts accounts across 30 days, with
calls (most), texts, e-mails and letters, outcomes, a few inbound conversations, cease
requests and opt-outs, a tz for every record (5% with two zones) and a phone number.
Audited with us-federal + us-ma, exactly as `compliance-check contacts LOG --pack
us-federal --pack us-ma` reads and judges it (findings kept, not printed).

Floor, measured in the same run on the same file: csv.DictReader over the file and
datetime.fromisoformat on every row's time. Each repeat runs the floor and the audit
back to back, each in a fresh child process so that its peak memory (VmHWM, which
includes the interpreter and imports) is its own. Rates are records per second of the
child's CPU time (time.process_time), which other work on a shared machine disturbs far
less than the clock; clock rates are printed beside them. The figures are medians and
the ratio is the median of the paired CPU-time ratios. One thread: single-core figures.
"""
from __future__ import annotations

import argparse
import csv
import json
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

ZONES = ["America/New_York"] * 5 + ["America/Chicago"] * 3 + ["America/Denver", "America/Los_Angeles"] * 2
START = datetime(2026, 3, 1, tzinfo=timezone.utc)  # the window crosses the US change to summer time


def generate(path: Path, records: int, accounts: int, seed: int = 7) -> None:
    """A time-ordered log like a dialer's month: each record goes to a random account, on
    a random day, at a local time within 08:00-21:00 for 99% of records (the rest at any
    hour); records are sorted by time, so accounts interleave."""
    from zoneinfo import ZoneInfo

    rng = random.Random(seed)
    names = sorted(set(ZONES))
    midnight = {(z, d): datetime.combine((START + timedelta(days=d)).date(), datetime.min.time(), ZoneInfo(z)).timestamp()
                for z in names for d in range(30)}
    zone_of = [rng.choice(ZONES) for _ in range(accounts)]
    two = {a for a in range(accounts) if rng.random() < 0.05}
    rows = []
    for _ in range(records):
        a = rng.randrange(accounts)
        local = rng.randrange(8 * 3600, 21 * 3600) if rng.random() < 0.99 else rng.randrange(86400)
        rows.append((midnight[zone_of[a], rng.randrange(30)] + local, a))
    rows.sort()
    with path.open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["id", "account", "time", "channel", "direction", "party", "outcome", "tz", "phone", "agent"])
        for i, (ts, a) in enumerate(rows):
            tz = zone_of[a] + (" America/Los_Angeles" if a in two and zone_of[a] != "America/Los_Angeles" else "")
            r = rng.random()
            direction, party = "", ""
            if r < 0.55:
                channel, outcome = "call", rng.choice(("no_answer", "no_answer", "voicemail", "not_connected", "conversation"))
            elif r < 0.65:
                channel, outcome = "sms", "delivered"
            elif r < 0.85:
                channel, outcome = "email", rng.choice(("delivered", "delivered", "failed"))
            elif r < 0.95:
                channel, outcome = "letter", ""
            elif r < 0.995:
                channel, outcome, direction = "call", "conversation", "inbound"
            elif r < 0.998:
                channel, outcome, direction = "sms", "opt_out", "inbound"
            else:
                channel, outcome, direction = "letter", "cease_request", "inbound"
            if rng.random() < 0.02:
                party = "third_party"
            w.writerow([f"r{i}", f"acct{a}", datetime.fromtimestamp(ts, timezone.utc).isoformat(), channel, direction,
                        party, outcome, tz, f"+1{2125550000 + a}", f"agent{a % 50}"])


def floor(path: str) -> dict:
    """Read the file with csv.DictReader and parse every time: what any reader must pay."""
    start, cpu = time.perf_counter(), time.process_time()
    n = 0
    with open(path, newline="", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            datetime.fromisoformat(row["time"])
            n += 1
    return {"seconds": time.process_time() - cpu, "wall": time.perf_counter() - start, "records": n, "maxrss_mb": _maxrss_mb()}


def audit(path: str) -> dict:
    from compliance_check import load_packs
    from compliance_check.contacts.audit import Auditor
    from compliance_check.contacts.records import read_log

    auditor = Auditor(load_packs(["us-federal", "us-ma"]))

    def open_log():
        stream = open(path, encoding="utf-8-sig", newline="")
        return read_log(stream, path)

    start, cpu = time.perf_counter(), time.process_time()
    result = auditor.audit(open_log)
    seconds, wall = time.process_time() - cpu, time.perf_counter() - start
    s = result.summary()
    return {"seconds": seconds, "wall": wall, "records": s["read"], "checked": s["checked"], "findings": s["findings"],
            "by_rule": s["by_rule"], "streamed": result.streamed, "peak_keys": result.peak_keys,
            "maxrss_mb": _maxrss_mb()}


def _maxrss_mb() -> float:
    """This process's peak resident memory: VmHWM, which (unlike ru_maxrss, kept across
    fork and exec) starts afresh in the child, so the parent's generated rows do not count."""
    try:
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # not Linux: kilobytes on most systems


def _child(what: str, path: str) -> dict:
    out = subprocess.run([sys.executable, __file__, "--child", what, path], capture_output=True, text=True, check=True)
    return json.loads(out.stdout)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--records", type=int, default=2_000_000)
    parser.add_argument("--accounts", type=int, default=200_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--child", nargs=2, metavar=("WHAT", "PATH"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        what, path = args.child
        print(json.dumps(floor(path) if what == "floor" else audit(path)))
        return
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "contacts.csv"
        t = time.perf_counter()
        generate(path, args.records, args.accounts)
        size = path.stat().st_size / 1e6
        print(f"generated {args.records:,} records over {args.accounts:,} accounts ({size:.0f} MB) in {time.perf_counter() - t:.1f} s")
        floors, audits, ratios = [], [], []
        for i in range(args.repeat):
            fl = _child("floor", str(path))
            au = _child("audit", str(path))
            floors.append(fl)
            audits.append(au)
            ratios.append(au["seconds"] / fl["seconds"])
            print(f"  run {i + 1}: floor {fl['records'] / fl['seconds']:,.0f} rec/s of CPU time "
                  f"({fl['records'] / fl['wall']:,.0f} by the clock, {fl['maxrss_mb']:.0f} MB); "
                  f"audit {au['records'] / au['seconds']:,.0f} rec/s of CPU time "
                  f"({au['records'] / au['wall']:,.0f} by the clock, {au['maxrss_mb']:.0f} MB); ratio {ratios[-1]:.2f}")
        last = audits[-1]
        floor_rate = statistics.median(f["records"] / f["seconds"] for f in floors)
        audit_rate = statistics.median(a["records"] / a["seconds"] for a in audits)
        print(f"audit: {last['records']:,} read, {last['checked']:,} checked, {last['findings']:,} findings "
              f"({', '.join(f'{k} {v:,}' for k, v in last['by_rule'].items())}); "
              f"{'streamed' if last['streamed'] else 'sorted in memory'}; peak rule state {last['peak_keys']:,} keys")
        print(f"median floor (csv.DictReader + datetime.fromisoformat): {floor_rate:,.0f} records/s, "
              f"peak {statistics.median(f['maxrss_mb'] for f in floors):.0f} MB")
        print(f"median audit (us-federal + us-ma): {audit_rate:,.0f} records/s, "
              f"peak {max(a['maxrss_mb'] for a in audits):.0f} MB (max over runs)")
        print(f"median ratio audit/floor time: {statistics.median(ratios):.2f}x")


if __name__ == "__main__":
    main()
