"""The ``compliance-check`` command. Thin: parse arguments, call the library, format.

Exit codes: 0 clean, 1 findings at or above ``--fail-on``, 2 usage or input error
(one line per problem on stderr, naming the file, line and field), 3 internal error.
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any, Iterator, NoReturn, Sequence, TextIO

from . import __version__
from .batch import CHANNELS, MessageIn, read_messages
from .checker import Checker
from .errors import InputError, Problem
from .evaluate import LabelledMessage, RejectedRecord, evaluate, read_corpus
from .findings import at_or_above
from .formats import json as json_format
from .formats import jsonl as jsonl_format
from .formats import text as text_format
from .formats.markdown import packs_markdown
from .packs.train import DEFAULT_C, DEFAULT_MIN_DF, DEFAULT_NGRAMS, train
from .packs.loader import PackLibrary, load_packs, read_pack_file
from .packs.selftest import SelfTestReport, run_examples
from .serve import add_parsers as add_service_parsers, cmd_decisions, cmd_serve
from .templates.command import cmd_templates, configure_parser as configure_templates
from .contacts.command import cmd_contacts, cmd_next_contact, configure_contacts, configure_next_contact

EXIT_CLEAN, EXIT_FINDINGS, EXIT_INPUT, EXIT_INTERNAL = 0, 1, 2, 3


class UsageError(Exception):
    pass


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:  # one line, not the usage block
        raise UsageError(f"{self.prog}: {message} (see --help)")


def _add_pack_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--pack", action="append", default=[], metavar="P",
                   help="bundled pack id, pack YAML file, or folder of packs (repeatable)")
    p.add_argument("--jurisdiction", action="append", default=[], metavar="J",
                   help="every bundled pack of this jurisdiction, e.g. CN or US (repeatable)")
    p.add_argument("--channel", choices=CHANNELS, help="channel of the message(s); scopes channel-specific rules")
    p.add_argument("--fail-on", choices=("error", "warning", "info"), default="error",
                   help="exit 1 when a finding is at or above this severity (default: error)")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="compliance-check", description="Check debt-collection communications against rule packs.")
    parser.add_argument("--version", action="version", version=f"compliance-check {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    sub.required = True

    p = sub.add_parser("message", help="check one message")
    p.add_argument("text", nargs="?", default="-", help="the message text, or - for standard input (default)")
    _add_pack_options(p)
    p.add_argument("--format", choices=("text", "json"), default="text")

    p = sub.add_parser("messages", help="check a JSON Lines file of {id, text, channel?}")
    p.add_argument("file", help="JSONL file, or - for standard input")
    _add_pack_options(p)
    p.add_argument("--format", choices=("jsonl", "json", "text"), default="jsonl")

    p = sub.add_parser("eval", help="precision, recall and F1 of the block verdict on labelled corpora")
    p.add_argument("corpus", nargs="+", help="JSONL files of {id, text, violation, category?, channel?, jurisdiction?, evasion?}")
    p.add_argument("--pack", action="append", default=[], metavar="P",
                   help="bundled pack id, pack file or folder (default: the bundled packs of each record's jurisdiction)")
    p.add_argument("--jurisdiction", action="append", default=[], metavar="J", help="every bundled pack of this jurisdiction")
    p.add_argument("--include-disclosures", action="store_true",
                   help="let missing_disclosure findings count towards the verdict (default: wording only)")
    p.add_argument("--format", choices=("text", "json"), default="text")

    configure_templates(sub.add_parser("templates", help="check a repository of template files (SMS, e-mail, letters)"))
    configure_contacts(sub.add_parser("contacts", help="audit a contact log (CSV or JSONL) for hours, frequency, cooldown, cease, opt-out"))
    configure_next_contact(sub.add_parser("next-contact", help="the earliest time one more contact to an account gives no finding"))

    packs = sub.add_parser("packs", help="list, show, validate and test rule packs")
    psub = packs.add_subparsers(dest="packs_command", metavar="ACTION", parser_class=_Parser)
    psub.required = True
    p = psub.add_parser("list", help="list the bundled packs")
    p.add_argument("--format", choices=("text", "json"), default="text")
    p = psub.add_parser("show", help="show one pack with its inherited rules")
    p.add_argument("pack", help="bundled pack id or pack file")
    p.add_argument("--format", choices=("text", "json"), default="text")
    p = psub.add_parser("validate", help="validate pack files or folders")
    p.add_argument("paths", nargs="+")
    p = psub.add_parser("doc", help="Markdown reference of packs: counts per category and every rule")
    p.add_argument("packs", nargs="*", help="pack ids, files or folders (default: every bundled pack)")
    p = psub.add_parser("test", help="run every rule's violating and compliant examples")
    p.add_argument("packs", nargs="*", help="pack ids, files or folders (default: every bundled pack)")
    p = psub.add_parser("train", help="fit a classifier rule's model on labelled corpora (needs scikit-learn)")
    p.add_argument("corpus", nargs="+", help="JSON Lines corpus files, eval's format")
    p.add_argument("--out", required=True, help="the model file to write (JSON)")
    ngrams = "-".join(map(str, DEFAULT_NGRAMS))
    p.add_argument("--ngrams", default=ngrams, metavar="LOW-HIGH", help=f"n-gram lengths in characters (default: {ngrams})")
    p.add_argument("--c", type=float, default=DEFAULT_C,
                   help=f"inverse L1 regularisation strength: larger keeps more n-grams (default: {DEFAULT_C:g})")
    p.add_argument("--min-df", type=int, default=DEFAULT_MIN_DF,
                   help=f"an n-gram must occur in this many messages to be a feature (default: {DEFAULT_MIN_DF})")
    p.add_argument("--han-only", action="store_true", help="keep only n-grams with a Chinese character (a Chinese pack's model)")
    p.add_argument("--background", nargs="+", default=[], metavar="FILE",
                   help="corpora of ordinary lawful messages (all violation: false), trained on as compliant")
    p.add_argument("--positive-max-background", type=int, metavar="N",
                   help="only an n-gram in at most N background messages may raise the score (needs --background)")
    add_service_parsers(sub)
    return parser


def _select_packs(args: argparse.Namespace) -> Checker:
    if not args.pack and not args.jurisdiction:
        ids = ", ".join(PackLibrary().bundled_ids())
        raise UsageError(f"no rule pack selected: use --pack ID|FILE|DIR or --jurisdiction J (bundled: {ids})")
    return Checker(load_packs(args.pack, args.jurisdiction))


def _read_text(arg: str, stdin: TextIO) -> tuple[str, str]:
    if arg != "-":
        return arg, "<message>"
    buffer = getattr(stdin, "buffer", None)
    if buffer is None:
        text = stdin.read()
    else:
        data = buffer.read()
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            line = data.count(b"\n", 0, exc.start) + 1
            raise InputError([Problem("<stdin>", line, 1, "$", f"not valid UTF-8 at byte {exc.start + 1}")]) from None
    return (text[:-1] if text.endswith("\n") else text), "<stdin>"


def cmd_message(args: argparse.Namespace, out: TextIO, stdin: TextIO) -> int:
    checker = _select_packs(args)
    text, source = _read_text(args.text, stdin)
    result = checker.check(text, args.channel)
    if args.format == "json":
        print(json_format.format_result(result), file=out)
    else:
        print(text_format.format_result(result, text, source), file=out)
    return EXIT_FINDINGS if at_or_above(result.findings, args.fail_on) else EXIT_CLEAN


def _progress(iterable: Any, enabled: bool) -> Any:
    if not enabled:
        return iterable
    from tqdm import tqdm

    return tqdm(iterable, unit=" lines", file=sys.stderr, leave=False)


def cmd_messages(args: argparse.Namespace, out: TextIO, stdin: TextIO) -> int:
    checker = _select_packs(args)
    if args.file == "-":
        stream, name = getattr(stdin, "buffer", stdin), "<stdin>"
    else:
        try:
            stream, name = open(args.file, "rb"), args.file
        except OSError as exc:
            raise InputError([Problem(args.file, 1, 1, "$", f"cannot read: {exc.strerror}")]) from None
    failed = worst_hit = False
    collected: list[dict[str, Any]] = []
    with stream:
        lines = _progress(stream, args.file != "-" and sys.stderr.isatty())
        for item in read_messages(lines, args.channel):
            if not isinstance(item, MessageIn):
                failed = True
                print(f"{name}:{item.line}:1: {item.error}", file=sys.stderr)
                if args.format == "jsonl":
                    print(jsonl_format.format_error(item.line, item.error), file=out, flush=True)
                else:
                    collected.append({"line": item.line, "error": item.error})
                continue
            result = checker.check(item.text, item.channel)
            worst_hit = worst_hit or at_or_above(result.findings, args.fail_on)
            if args.format == "jsonl":
                print(jsonl_format.format_record(item.id, result), file=out, flush=True)
            elif args.format == "text":
                print(text_format.format_result(result, item.text, source=str(item.id)), file=out)
            else:
                collected.append(jsonl_format.message_record(item.id, result))
    if args.format == "json":
        print(json_format.dumps({"results": collected, "packs": checker.pack_summaries}), file=out)
    if failed:
        return EXIT_INPUT
    return EXIT_FINDINGS if worst_hit else EXIT_CLEAN


def cmd_eval(args: argparse.Namespace, out: TextIO, stdin: TextIO) -> int:
    shared = Checker(load_packs(args.pack, args.jurisdiction)) if args.pack or args.jurisdiction else None
    by_jurisdiction: dict[str, Checker] = {}

    def checker_for(message: LabelledMessage) -> Checker:
        if shared is not None:
            return shared
        if not message.jurisdiction:
            raise UsageError(f"message {message.id!r} has no jurisdiction: choose packs with --pack or --jurisdiction")
        if message.jurisdiction not in by_jurisdiction:
            by_jurisdiction[message.jurisdiction] = Checker(load_packs([], [message.jurisdiction]))
        return by_jurisdiction[message.jurisdiction]

    def records() -> Iterator[LabelledMessage | RejectedRecord]:
        for path in args.corpus:
            try:
                stream = open(path, "rb")
            except OSError as exc:
                raise InputError([Problem(path, 1, 1, "$", f"cannot read: {exc.strerror}")]) from None
            with stream:
                yield from read_corpus(stream, path)

    report = evaluate(records(), checker_for, args.include_disclosures)
    for rejected in report.rejected:
        print(str(rejected), file=sys.stderr)
    if args.format == "json":
        print(json_format.dumps(report.to_dict()), file=out)
    else:
        print(text_format.format_eval(report), file=out)
    return EXIT_INPUT if report.rejected else EXIT_CLEAN


def cmd_packs(args: argparse.Namespace, out: TextIO, stdin: TextIO) -> int:
    action = args.packs_command
    if action == "list":
        library = PackLibrary()
        optional = set(library.optional_ids())
        packs = [library.resolve(i) for i in library.bundled_ids() + sorted(optional)]
        if args.format == "json":
            rows = [{"id": p.id, "version": p.version, "title": p.title, "jurisdiction": p.jurisdiction,
                     "language": p.language, "rules": len(p.rules), "extends": list(p.extends),
                     "optional": p.id in optional} for p in packs]
            print(json_format.dumps(rows), file=out)
        else:
            for p in packs:
                note = "  (optional: used only when named)" if p.id in optional else ""
                print(f"{p.id:<22} {p.version:<8} {p.jurisdiction or '-':<6} {len(p.rules):>4} rules  {p.title}{note}", file=out)
        return EXIT_CLEAN
    if action == "show":
        (pack,) = load_packs([args.pack])
        if args.format == "json":
            print(json_format.dumps(_pack_dict(pack)), file=out)
        else:
            print(f"{pack.id} {pack.version}: {pack.title} [{pack.jurisdiction or '-'}] ({pack.file})", file=out)
            for r in pack.rules:
                print(f"  {r.id:<22} {r.kind:<9} {r.severity:<8} {r.category or '-':<24} {r.citation or ''}", file=out)
        return EXIT_CLEAN
    if action == "validate":
        problems: list[Problem] = []
        for path in args.paths:
            try:
                packs = load_packs([path], keep_ancestors=True)
                for p in packs:
                    print(f"ok: {p.file}: {p.id} {p.version}, {len(p.rules)} rules", file=out)
            except InputError as exc:
                problems.extend(exc.problems)
        if problems:
            raise InputError(problems)
        return EXIT_CLEAN
    if action == "doc":
        specs = args.packs or _every_bundled()
        out.write(packs_markdown(p for spec in specs for p in load_packs([spec], keep_ancestors=True)))
        return EXIT_CLEAN
    if action == "test":
        specs = args.packs or _every_bundled()
        report = SelfTestReport()
        for spec in specs:
            for pack in load_packs([spec]):
                run_examples(pack, report)
        for failure in report.failures:
            print(str(failure), file=out)
        print(f"{report.rules} rules, {report.examples} examples, {len(report.failures)} failures"
              + (f", {report.rules_without_examples} rules without examples" if report.rules_without_examples else ""), file=out)
        return EXIT_FINDINGS if report.failures else EXIT_CLEAN
    if action == "train":
        return _train(args, out)
    raise UsageError(f"unknown packs action {action!r}")


def _every_bundled() -> list[str]:
    library = PackLibrary()
    return library.bundled_ids() + library.optional_ids()


def _train(args: argparse.Namespace, out: TextIO) -> int:
    low, _, high = args.ngrams.partition("-")
    if not (low.isdigit() and high.isdigit() and 1 <= int(low) <= int(high) <= 8):
        raise UsageError(f"--ngrams {args.ngrams!r}: expected LOW-HIGH, 1 <= LOW <= HIGH <= 8")
    if args.c <= 0 or args.min_df < 1:
        raise UsageError("--c must be above 0 and --min-df at least 1")
    if args.positive_max_background is not None and (args.positive_max_background < 0 or not args.background):
        raise UsageError("--positive-max-background needs --background and a count of 0 or more")
    model = train([Path(p) for p in args.corpus], (int(low), int(high)), args.c, args.min_df, args.han_only,
                  [Path(p) for p in args.background], args.positive_max_background)
    Path(args.out).write_text(json.dumps(model, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(f"{args.out}: {len(model['violation']['weights'])} n-grams in the violation model, "
          f"{len(model['categories'])} category models, from {sum(model['messages'].values())} messages", file=out)
    return EXIT_CLEAN


def _pack_dict(pack: Any) -> dict[str, Any]:
    return {
        "id": pack.id, "version": pack.version, "title": pack.title, "jurisdiction": pack.jurisdiction,
        "language": pack.language, "default_timezone": pack.default_timezone, "extends": list(pack.extends),
        "sources": {k: {"title": s.title, "issuer": s.issuer, "year": s.year} for k, s in pack.sources.items()},
        "variants": pack.variants,
        "rules": [
            {"id": r.id, "kind": r.kind, "category": r.category, "severity": r.severity, "message": r.message,
             "citation": r.citation, "suggestion": r.suggestion, "channels": sorted(r.channels) if r.channels else None,
             "defined_in": r.defined_in, **r.params}
            for r in pack.rules
        ],
    }


COMMANDS = {"message": cmd_message, "messages": cmd_messages, "eval": cmd_eval, "packs": cmd_packs}
COMMANDS["templates"] = cmd_templates
COMMANDS.update({"contacts": cmd_contacts, "next-contact": cmd_next_contact})
COMMANDS.update(serve=cmd_serve, decisions=cmd_decisions)


def main(argv: Sequence[str] | None = None, out: TextIO | None = None, stdin: TextIO | None = None) -> int:
    out = out or sys.stdout
    stdin = stdin or sys.stdin
    try:
        args = build_parser().parse_args(argv)
        return COMMANDS[args.command](args, out, stdin)
    except UsageError as exc:
        print(str(exc), file=sys.stderr)
        return EXIT_INPUT
    except InputError as exc:
        for problem in exc.problems:
            print(str(problem), file=sys.stderr)
        return EXIT_INPUT
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return EXIT_CLEAN
    except Exception as exc:  # never a traceback for a user; say what broke in one line
        print(f"compliance-check: internal error: {type(exc).__name__}: {exc}", file=sys.stderr)
        return EXIT_INTERNAL
