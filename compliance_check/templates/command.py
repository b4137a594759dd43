"""``compliance-check templates PATH...``: the command-line face of the runner.

Exit codes as for every command: 0 clean, 1 an active finding at or above the failing
severity (``--fail-on``, else the config's ``fail_on``, else error), 2 a usage or input
problem (a config, a baseline or a template file that cannot be read; each one line on
stderr naming file, line and field). Writing a baseline exits 0 unless there are problems.
"""
from __future__ import annotations

import argparse
import sys
from typing import TextIO

from ..findings import SEVERITY_RANK
from ..formats import github, junit, sarif
from ..formats import json as json_format
from ..formats import text as text_format
from .baseline import entries_for, write_baseline
from .runner import Options, run

FORMATS = {
    "text": text_format.format_template_report,
    "json": json_format.format_template_report,
    "sarif": sarif.format_report,
    "junit": junit.format_report,
    "github": github.format_report,
}


def _positive(value: str) -> int:
    try:
        n = int(value)
    except ValueError:
        n = 0
    if n < 1:
        raise argparse.ArgumentTypeError(f"must be a whole number of at least 1, not {value!r}")
    return n


def configure_parser(p: argparse.ArgumentParser) -> None:
    """The ``templates`` arguments."""
    p.add_argument("paths", nargs="+", metavar="PATH", help="template files or folders")
    p.add_argument("--config", metavar="FILE", help="repository config (default: the .compliance.yaml nearest above the paths)")
    p.add_argument("--pack", action="append", default=[], metavar="P",
                   help="bundled pack id, pack file or folder (repeatable); replaces the config's default packs")
    p.add_argument("--jurisdiction", action="append", default=[], metavar="J",
                   help="every bundled pack of this jurisdiction (repeatable); replaces the config's default packs")
    p.add_argument("--format", choices=tuple(FORMATS), default="text")
    p.add_argument("--fail-on", choices=("error", "warning", "info"), default=None,
                   help="exit 1 when an active finding is at or above this severity (default: the config's fail_on, else error)")
    p.add_argument("--baseline", metavar="FILE", help="fail only on findings this baseline does not hold; report its stale entries")
    p.add_argument("--write-baseline", metavar="FILE", help="record today's unsuppressed findings as the baseline")
    p.add_argument("--jobs", type=_positive, default=1, metavar="N", help="check files in N processes (default 1)")


def cmd_templates(args: argparse.Namespace, out: TextIO, stdin: TextIO) -> int:
    report = run(Options(
        paths=args.paths, config=args.config, packs=args.pack, jurisdictions=args.jurisdiction,
        fail_on=args.fail_on, baseline=args.baseline, write_baseline=args.write_baseline, jobs=args.jobs,
        progress=sys.stderr.isatty(),
    ))
    text = FORMATS[args.format](report)
    if text:
        print(text, file=out)
    for problem in report.problems:
        print(str(problem), file=sys.stderr)
    if report.stale and args.format != "text":
        print(f"compliance-check: {len(report.stale)} baseline entries no longer occur", file=sys.stderr)
    if args.write_baseline:
        write_baseline(args.write_baseline, entries_for([(r.relpath, f) for r in report.files for f in r.findings]))
    if report.problems:
        return 2
    if args.write_baseline:
        return 0
    threshold = SEVERITY_RANK[report.fail_on]
    return 1 if any(f.active and SEVERITY_RANK[f.finding.severity] >= threshold for f in report.findings) else 0
