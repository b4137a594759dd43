"""``compliance-check serve`` and ``compliance-check decisions export``.

The server is waitress: a production WSGI server in pure Python, with a thread pool.
On Linux its worker threads run under ``SCHED_BATCH`` (see ``batch_scheduled``).
SIGTERM (and Ctrl-C) stop it gracefully: no new connections, running requests finish
(waitress waits up to 5 s), then the decision log's writer process commits what is
waiting and exits.
"""
from __future__ import annotations

import argparse
import json
import logging
import os
import signal
import sys
import threading
from pathlib import Path
from typing import Any, NoReturn, TextIO

from .errors import InputError, Problem

DEFAULT_THREADS = 16


def add_parsers(sub: Any) -> None:
    """Register ``serve`` and ``decisions`` on the command's subparsers."""
    p = sub.add_parser("serve", help="serve the web form and the JSON API (waitress)")
    p.add_argument("--host", default="127.0.0.1", help="address to listen on (default: 127.0.0.1)")
    p.add_argument("--port", type=int, default=8000, help="port (default: 8000; 0 picks a free one)")
    p.add_argument("--threads", type=int, default=DEFAULT_THREADS, metavar="N",
                   help=f"worker threads (default: {DEFAULT_THREADS}); requests wait on the decision log's fsync, not the CPU")
    p.add_argument("--pack", action="append", default=[], metavar="P",
                   help="bundled pack id, pack file or folder to load (repeatable; default: every bundled pack)")
    p.add_argument("--decisions-db", metavar="PATH", help="SQLite file of the decision log "
                   "(default: $COMPLIANCE_CHECK_DECISIONS_DB or ./compliance-check-decisions.sqlite3)")
    p.add_argument("--store-text", action="store_true", help="keep message texts in the decision log (personal data)")

    d = sub.add_parser("decisions", help="the decision log of the service")
    dsub = d.add_subparsers(dest="decisions_command", metavar="ACTION", parser_class=type(d))
    dsub.required = True
    e = dsub.add_parser("export", help="write decisions as JSON Lines, oldest first")
    e.add_argument("--since", metavar="TIME", help="ISO 8601 date or time; without a zone, UTC")
    e.add_argument("--db", metavar="PATH", help="the decision log (default: as for serve)")


def create_server(app: Any, host: str, port: int, threads: int) -> Any:
    """The waitress server of ``compliance-check serve``; bench/service.py serves its floor
    app through the same function, so both are measured under the same setup."""
    import waitress

    return waitress.create_server(batch_scheduled(app), host=host, port=port, threads=threads, ident="compliance-check")


def batch_scheduled(app: Any) -> Any:
    """``app``, with each thread that calls it switched to ``SCHED_BATCH`` on its first
    request (Linux; elsewhere ``app`` itself).

    Python threads share one interpreter lock. When waitress's socket loop, holding it,
    hands a request to a sleeping worker, or the decision log wakes the workers of a
    commit, the kernel may let a woken worker preempt the thread that holds the lock, and
    that worker can do nothing but wait for it. A ``SCHED_BATCH`` thread never preempts on
    waking and otherwise gets its fair share of the CPU. Measured with bench/service.py:
    10 to 14% more requests per second and 7 to 10% less CPU per request for the service
    (docs/benchmarks.md, session 7). The socket loop keeps the normal policy."""
    if not hasattr(os, "SCHED_BATCH"):
        return app
    switched = threading.local()

    def wsgi(environ: dict[str, Any], start_response: Any) -> Any:
        if not getattr(switched, "done", False):
            switched.done = True
            try:
                os.sched_setscheduler(0, os.SCHED_BATCH, os.sched_param(0))  # 0: the calling thread
            except OSError:  # a sandbox may forbid it; the server works either way
                pass
        return app(environ, start_response)

    return wsgi


def _usage(option: str, message: str) -> NoReturn:
    raise InputError([Problem("<command line>", 1, 1, option, message)])


def cmd_serve(args: argparse.Namespace, out: TextIO, stdin: TextIO) -> int:
    from .api import create_app

    if args.threads < 1:
        _usage("--threads", "must be at least 1")
    config: dict[str, Any] = {}
    if args.pack:
        config["PACKS"] = args.pack
    if args.decisions_db:
        config["DECISIONS_DB"] = args.decisions_db
    if args.store_text:
        config["STORE_TEXT"] = True
    try:
        app = create_app(config)
    except ValueError as exc:
        _usage("environment", str(exc))
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    try:
        server = create_server(app, args.host, args.port, args.threads)
    except OSError as exc:
        _usage("--port", f"cannot listen on {args.host}:{args.port}: {exc.strerror or exc}")

    def stop(signum: int, frame: Any) -> None:
        raise SystemExit(0)  # waitress's run() stops accepting and lets running requests finish

    signal.signal(signal.SIGTERM, stop)
    packs = ", ".join(f"{p.id} {p.version}" for p in app.extensions["compliance_check"].catalog.packs.values())
    print(f"compliance-check: serving on http://{server.effective_host}:{server.effective_port} "
          f"({args.threads} threads; packs: {packs})", file=sys.stderr, flush=True)
    try:
        server.run()
    finally:
        app.extensions["compliance_check"].decisions.close()
        print("compliance-check: stopped", file=sys.stderr, flush=True)
    return 0


def cmd_decisions(args: argparse.Namespace, out: TextIO, stdin: TextIO) -> int:
    from .api import settings
    from .decisions import DecisionLog, parse_since

    since = None
    if args.since:
        try:
            since = parse_since(args.since)
        except ValueError:
            _usage("--since", f"not an ISO 8601 date or time: {args.since!r}")
    path = args.db or settings()["DECISIONS_DB"]
    if not Path(path).is_file():
        raise InputError([Problem(path, 1, 1, "$", "no decision log here")])
    log = DecisionLog(path)
    try:
        for decision in log.since(since):
            print(json.dumps(decision, ensure_ascii=False), file=out)
    finally:
        log.close()
    return 0
