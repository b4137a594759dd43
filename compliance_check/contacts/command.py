"""``compliance-check contacts`` and ``compliance-check next-contact``.

Exit codes as for every command: 0 clean, 1 a finding at or above ``--fail-on``, 2 a
usage or input problem. A rejected record (each named on stderr as
``LOG:LINE:1: $.FIELD: what is wrong``) makes ``contacts`` exit 2 after the rest of the
log has been checked and reported.
"""
from __future__ import annotations

import argparse
import io
import sys
import tempfile
import time
from datetime import datetime, timezone
from typing import Callable, Iterable, Iterator, TextIO

from ..errors import InputError, Problem
from ..findings import at_or_above
from ..formats import csv as csv_format
from ..formats import json as json_format
from ..formats import jsonl as jsonl_format
from ..formats import text as text_format
from ..packs.loader import PackLibrary, load_packs
from .audit import AuditResult, Auditor
from .next_contact import OUTCOMES, NoZone, next_contact
from .records import CHANNELS, Record, Rejected, parse_time, read_log
from .zones import ZoneError, zones_for_tz

EXIT_CLEAN, EXIT_FINDINGS, EXIT_INPUT = 0, 1, 2
_SPOOL_BYTES = 32 * 1024 * 1024  # standard input is kept in memory up to this, then on disk


def _pack_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--pack", action="append", default=[], metavar="P",
                   help="bundled pack id, pack YAML file, or folder of packs (repeatable); every pack's contact rules apply")
    p.add_argument("--jurisdiction", action="append", default=[], metavar="J",
                   help="every bundled pack of this jurisdiction, e.g. US, US-MA, CN (repeatable)")


def configure_contacts(p: argparse.ArgumentParser) -> None:
    p.add_argument("log", help="contact log: CSV with a header row, or JSON Lines; - for standard input")
    _pack_options(p)
    p.add_argument("--format", choices=("text", "json", "jsonl", "csv"), default="text")
    p.add_argument("--fail-on", choices=("error", "warning", "info"), default="error",
                   help="exit 1 when a finding is at or above this severity (default: error)")


def configure_next_contact(p: argparse.ArgumentParser) -> None:
    p.add_argument("log", help="contact log: CSV with a header row, or JSON Lines; - for standard input")
    p.add_argument("--account", required=True, help="the account to contact")
    p.add_argument("--channel", required=True, choices=CHANNELS, help="the channel of the contact")
    p.add_argument("--after", metavar="TIME", help="earliest time to consider, ISO 8601 with an offset (default: now)")
    _pack_options(p)
    p.add_argument("--outcome", choices=[o for o in OUTCOMES if o], action="append", default=[],
                   help="judge the contact with this outcome only (repeatable; default: it must pass with every outcome)")
    p.add_argument("--tz", help="the debtor's zones now (IANA names separated by spaces); default: the account's latest record")
    p.add_argument("--phone", help="the number to call (E.164); default: the account's latest record")
    p.add_argument("--debtor", help="the debtor; default: the account's latest record, else the account")
    p.add_argument("--format", choices=("text", "json"), default="text")


def _usage(message: str) -> Exception:
    from ..cli import UsageError  # the command module imports this one

    return UsageError(message)


def _auditor(args: argparse.Namespace) -> Auditor:
    if not args.pack and not args.jurisdiction:
        ids = ", ".join(PackLibrary().bundled_ids())
        raise _usage(f"no rule pack selected: use --pack ID|FILE|DIR or --jurisdiction J (bundled: {ids})")
    auditor = Auditor(load_packs(args.pack, args.jurisdiction))
    if not auditor.rules:
        raise _usage("the selected packs have no contact rules (hours, frequency, cooldown, cease, opt_out)")
    return auditor


def _log_source(path: str, stdin: TextIO) -> tuple[Callable[[], Iterator[Record | Rejected]], str, Callable[[], None]]:
    """A function that reads the log from its start (again, if the audit must sort it),
    the name used in messages, and a function that releases it."""
    if path == "-":
        spool = tempfile.SpooledTemporaryFile(max_size=_SPOOL_BYTES, mode="w+", encoding="utf-8", newline="")
        source = stdin
        buffer = getattr(stdin, "buffer", None)
        if buffer is not None:
            source = io.TextIOWrapper(buffer, encoding="utf-8-sig", newline="")
        for chunk in iter(lambda: source.read(1 << 20), ""):
            spool.write(chunk)

        def reread() -> Iterator[Record | Rejected]:
            spool.seek(0)
            return read_log(spool, "<stdin>")

        return reread, "<stdin>", spool.close

    def read_file() -> Iterator[Record | Rejected]:
        try:
            stream = open(path, encoding="utf-8-sig", newline="")
        except OSError as exc:
            raise InputError([Problem(path, 1, 1, "$", f"cannot read: {exc.strerror}")]) from None
        return read_log(stream, path, close=True)

    return read_file, path, lambda: None


def _report_rejected(name: str, result_problems: Iterable[tuple[int, str, str]]) -> None:
    for line, field, message in result_problems:
        path = "$" if field == "$" else f"$.{field}"
        print(str(Problem(name, line, 1, path, message)), file=sys.stderr)


def _decode_guard(run: Callable[[], object], name: str) -> object:
    try:
        return run()
    except UnicodeDecodeError as exc:
        raise InputError([Problem(name, 1, 1, "$", f"not valid UTF-8 (byte {exc.start + 1} of a read block)")]) from None


def cmd_contacts(args: argparse.Namespace, out: TextIO, stdin: TextIO) -> int:
    auditor = _auditor(args)
    open_log, name, release = _decode_guard(lambda: _log_source(args.log, stdin), args.log)  # type: ignore[misc]
    try:
        result: AuditResult = _decode_guard(lambda: auditor.audit(open_log), name)  # type: ignore[assignment]
    finally:
        release()
    _report_rejected(name, result.rejected_problems)
    if args.format == "json":
        print(json_format.dumps(result.to_dict()), file=out)
    elif args.format == "jsonl":
        for f in result.findings:
            print(jsonl_format.dumps(f.to_dict()), file=out)
        print(jsonl_format.dumps({"summary": result.summary()}), file=out)
    elif args.format == "csv":
        print(csv_format.format_findings(result.findings), file=out)
    else:
        print(text_format.format_contacts(result, name), file=out)
    if result.rejected:
        return EXIT_INPUT
    judged = [f for f in result.findings if f.kind != "input"]
    return EXIT_FINDINGS if at_or_above(judged, args.fail_on) else EXIT_CLEAN


def cmd_next_contact(args: argparse.Namespace, out: TextIO, stdin: TextIO) -> int:
    auditor = _auditor(args)
    if args.after is None:
        after = datetime.fromtimestamp(int(time.time()) + 1, timezone.utc)  # now, to the next whole second
    else:
        try:
            after = parse_time(args.after)
        except ValueError as exc:
            raise _usage(f"--after: {exc}") from None
    if args.tz is not None:
        try:
            zones_for_tz(args.tz)
        except ZoneError as exc:
            raise _usage(f"--tz: {exc}") from None
    if args.phone is not None and not (args.phone.startswith("+") and args.phone[1:].isdigit() and 8 <= len(args.phone) <= 16):
        raise _usage(f"--phone: {args.phone!r} is not an E.164 number (e.g. +12125550100)")
    open_log, name, release = _decode_guard(lambda: _log_source(args.log, stdin), args.log)  # type: ignore[misc]
    try:
        items = _decode_guard(lambda: list(open_log()), name)
    finally:
        release()
    outcomes = tuple(args.outcome) if args.outcome else OUTCOMES
    try:
        answer = next_contact(auditor, items, args.account, args.channel, after, outcomes, args.tz, args.phone, args.debtor)  # type: ignore[arg-type]
    except NoZone as exc:
        raise _usage(str(exc)) from None
    _report_rejected(name, [(r.line, f, m) for r in answer.rejected for f, m in r.problems])
    if args.format == "json":
        print(json_format.dumps(answer.to_dict()), file=out)
    else:
        print(text_format.format_next_contact(answer, args.account, args.channel), file=out)
    return EXIT_INPUT if answer.rejected else EXIT_CLEAN
