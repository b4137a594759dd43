"""``templates``: discover files, check each (in parallel processes with ``jobs`` > 1),
apply suppressions and the baseline. Results are the same for any ``jobs`` and come in
a stable order: files sorted by path, findings by line, column and rule."""
from __future__ import annotations

import multiprocessing
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterator

from ..checker import Checker
from ..errors import InputError, Problem
from ..findings import Finding
from ..packs.loader import load_packs
from . import suppressions
from .baseline import apply_baseline, read_baseline, set_fingerprints
from .config import Config, Selection, Settings, find_config, load_config
from .discovery import discover
from .extract import decode, extract
from .model import FileReport, LineIndex, Piece, Report, TemplateFinding


@dataclass
class Options:
    paths: list[str]
    config: str | None = None
    packs: list[str] = field(default_factory=list)
    jurisdictions: list[str] = field(default_factory=list)
    fail_on: str | None = None
    baseline: str | None = None
    write_baseline: str | None = None  # only so that the file is not read as a template
    jobs: int = 1
    progress: bool = False


def _locate(path: str, piece: Piece, f: Finding, index: LineIndex, key: str | None = None) -> TemplateFinding:
    start, end = f.span if f.span is not None else (0, 0)
    first = piece.file_offset(start)
    last = piece.file_offset(end - 1) + 1 if end > start else first
    line, column = index.position(first)
    end_line, end_column = index.position(last)
    return TemplateFinding(path, f, line, column, end_line, end_column, key or piece.key)


def check_text(path: str, relpath: str, text: str, settings: Settings, checker: Checker) -> FileReport:
    """Check one template file's text: every piece, `required` rules per group, suppressions."""
    report = FileReport(path, relpath)
    extracted = extract(text, path)
    if extracted.problems:
        report.problems = extracted.problems
        return report
    pieces = extracted.pieces
    report.templates = len(pieces)
    results = [checker.check(p.text, settings.channel, settings.disabled) for p in pieces]
    members: dict[int, list[int]] = {}
    if settings.messages == "mapping":
        for i, piece in enumerate(pieces):
            if piece.group is not None:
                members.setdefault(piece.group, []).append(i)
    if not extracted.comments and not any(r.findings for r in results):
        return report  # the common case: nothing to locate
    index = LineIndex(text)
    located: list[tuple[TemplateFinding, frozenset[int]]] = []
    for i, (piece, result) in enumerate(zip(pieces, results)):
        grouped = piece.group is not None and len(members.get(piece.group, ())) > 1
        for f in result.findings:
            if grouped and f.kind == "required" and not f.error:
                continue  # judged over the whole group below
            anchors = frozenset({piece.anchor_line} if piece.anchor_line else ())
            located.append((_locate(path, piece, f, index), anchors))
    for gid, indexes in members.items():
        if len(indexes) < 2:
            continue
        group = extracted.groups[gid]
        missing = [{f.rule for f in results[i].findings if f.kind == "required" and not f.error} for i in indexes]
        # A disclosure any sibling string carries is present in the message.
        for f in results[indexes[0]].findings:
            if f.kind == "required" and not f.error and all(f.rule in m for m in missing):
                first = pieces[indexes[0]]
                anchors = frozenset(a for a in (group.anchor_line, first.anchor_line) if a)
                located.append((_locate(path, first, f, index, key=group.key), anchors))
    located.sort(key=lambda item: item[0].sort_key())
    findings = suppressions.apply(path, located, extracted.comments, index)
    findings.sort(key=TemplateFinding.sort_key)
    set_fingerprints(relpath, findings)
    report.findings = findings
    return report


def check_file(disk_path: str, relpath: str, path: str, settings: Settings, checker: Checker) -> FileReport:
    """Read one template file and check it; a file that cannot be read or parsed is a problem."""
    try:
        with open(disk_path, "rb") as stream:
            data = stream.read()
    except OSError as exc:
        return FileReport(path, relpath, problems=[Problem(path, 1, 1, "$", f"cannot read: {exc.strerror}")])
    text, problem = decode(data, path)
    if problem is not None:
        return FileReport(path, relpath, problems=[problem])
    return check_text(path, relpath, text, settings, checker)


# Per-process state of the workers: set once by the pool's initializer.
_WORKER: dict[str, Any] = {}


def _init_worker(settings: list[Settings], checkers: dict[Any, Checker] | None) -> None:
    _WORKER["settings"] = settings
    _WORKER["checkers"] = checkers if checkers is not None else {
        s.selection.key: Checker(load_packs(*s.selection.key)) for s in settings
    }


def _check_job(job: tuple[str, str, str, int]) -> FileReport:
    disk_path, relpath, path, n = job
    settings = _WORKER["settings"][n]
    return check_file(disk_path, relpath, path, settings, _WORKER["checkers"][settings.selection.key])


def _load_checker(config: Config, selection: Selection) -> Checker:
    try:
        return Checker(load_packs(selection.packs, selection.jurisdictions))
    except InputError as exc:
        # "unknown pack" is reported against the command line; say which config field named it.
        if config.file and selection.where and all(p.file == "<command line>" for p in exc.problems):
            raise InputError([config.problem(selection.where, p.message) for p in exc.problems]) from None
        raise


def _check_disabled(config: Config, checkers: dict[Any, Checker]) -> None:
    known = {r.id for c in checkers.values() for p in c.packs for r in p.rules}
    problems = [
        config.problem(("paths", i, "disable", j), f"unknown rule {rid!r}: no selected pack has it")
        for i, entry in enumerate(config.data.get("paths", []))
        for j, rid in enumerate(entry.get("disable", []))
        if rid not in known
    ]
    if problems:
        raise InputError(problems)


def _results(jobs: list[tuple[str, str, str, int]], settings: list[Settings], checkers: dict[Any, Checker], n: int) -> Iterator[FileReport]:
    if n <= 1 or len(jobs) < 2:
        _init_worker(settings, checkers)
        yield from map(_check_job, jobs)
        return
    methods = multiprocessing.get_all_start_methods()
    # Forked workers inherit the compiled checkers; spawned ones compile their own.
    context = multiprocessing.get_context("fork" if "fork" in methods else "spawn")
    shared = checkers if context.get_start_method() == "fork" else None
    if shared is not None:
        for s in settings:  # build each channel's rule plan once, before the workers inherit it
            checkers[s.selection.key].check("", s.channel)
    chunk = max(1, min(64, len(jobs) // (n * 8)))
    with context.Pool(n, initializer=_init_worker, initargs=(settings, shared)) as pool:
        yield from pool.imap(_check_job, jobs, chunksize=chunk)


def run(options: Options) -> Report:
    """Check every template under ``options.paths``; problems with a file are in its report."""
    config_path = options.config or find_config(options.paths)
    config = load_config(config_path) if config_path else Config(None, Path.cwd().resolve())
    cli = Selection(tuple(options.packs), tuple(options.jurisdictions)) if options.packs or options.jurisdictions else None
    default = cli or config.default_selection()
    baseline = read_baseline(options.baseline) if options.baseline else None
    found = discover(options.paths, config.root, config.include, config.exclude,
                     skip=[p for p in (options.baseline, options.write_baseline) if p])

    checkers: dict[Any, Checker] = {}
    for selection in ([default] if default else []) + config.selections():
        if selection.key not in checkers:
            checkers[selection.key] = _load_checker(config, selection)
    _check_disabled(config, checkers)

    settings: list[Settings] = []
    numbers: dict[Settings, int] = {}
    jobs: list[tuple[str, str, str, int]] = []
    for disk_path, relpath, path in found.files:
        s = config.settings_for(relpath, default or Selection())
        if not s.selection.key[0] and not s.selection.key[1]:
            where = f"{config.file} has no packs for it" if config.file else "no .compliance.yaml was found"
            raise InputError([Problem("<command line>", 1, 1, "$",
                                      f"no rule pack selected for {path} ({where}): use --pack ID|FILE|DIR or --jurisdiction J, or set packs in .compliance.yaml")])
        if s not in numbers:
            numbers[s] = len(settings)
            settings.append(s)
        jobs.append((str(disk_path), relpath, path, numbers[s]))

    results = _results(jobs, settings, checkers, max(1, options.jobs))
    if options.progress:
        from tqdm import tqdm

        results = tqdm(results, total=len(jobs), unit=" files", leave=False)
    files = list(results)
    used = {s.selection.key for s in settings} or set(checkers)
    packs: dict[str, dict[str, str]] = {}
    for key in checkers:
        if key in used:
            for summary in checkers[key].pack_summaries:
                packs.setdefault(summary["id"], summary)
    report = Report(files, found.skipped, found.excluded, list(packs.values()), options.fail_on or config.fail_on or "error",
                    baseline=options.baseline)
    if baseline is not None:
        report.stale = apply_baseline([(r.relpath, f) for r in files for f in r.findings], baseline)
    return report
