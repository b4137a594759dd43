"""``compliance-check serve`` and ``compliance-check decisions export``.

The server is gunicorn with gevent workers: a master process that forks ``--workers``
worker processes (one by default), each serving up to ``--connections`` connections
at once as greenlets on one thread. A request that waits for its decision's commit
costs a greenlet switch, not the wake-up of an operating-system thread that must then
win the interpreter lock back (which made the decision log cost the former thread-pool
server two to three times its own work; docs/benchmarks.md). Heavy requests (message
batches, contact logs) run their work in a thread of the worker's pool so that the
loop keeps answering others (``web.apart``).

SIGTERM stops the server gracefully: no new connections, running requests finish (up to
``GRACEFUL_S``), then each worker's decision log commits what is waiting and its process
exits. SIGINT (Ctrl-C) stops it at once; decisions already answered are committed.
"""
from __future__ import annotations

import argparse
import json
import logging
import os
import socket
import sys
from pathlib import Path
from typing import Any, Callable, NoReturn, TextIO

from .errors import InputError, Problem

DEFAULT_WORKERS = 1
DEFAULT_CONNECTIONS = 1000
GRACEFUL_S = 10
KEEPALIVE_S = 5


def add_parsers(sub: Any) -> None:
    """Register ``serve`` and ``decisions`` on the command's subparsers."""
    p = sub.add_parser("serve", help="serve the web form and the JSON API (gunicorn, gevent workers)")
    p.add_argument("--host", default="127.0.0.1", help="address to listen on (default: 127.0.0.1)")
    p.add_argument("--port", type=int, default=8000, help="port (default: 8000; 0 picks a free one)")
    p.add_argument("--workers", type=int, default=DEFAULT_WORKERS, metavar="N",
                   help=f"worker processes (default: {DEFAULT_WORKERS}); each uses one core and has its own decision-log process")
    p.add_argument("--connections", type=int, default=DEFAULT_CONNECTIONS, metavar="N",
                   help=f"connections each worker serves at once (default: {DEFAULT_CONNECTIONS})")
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


def cooperative() -> None:
    """Make this process's sockets, locks and threads gevent's. Call it first, before
    the app is created: locks made before it would block the worker's one thread."""
    from gevent import monkey

    monkey.patch_all()


def listen(host: str, port: int) -> socket.socket:
    """The listening socket, bound here so that a busy port is an error at once (gunicorn
    would retry for seconds) and port 0 is known before the workers start."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        # Accepted connections inherit it: gunicorn writes a response's head and body
        # separately, and Nagle's algorithm would hold the body for the client's delayed
        # acknowledgement, 40 ms on Linux.
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        sock.bind((host, port))
        sock.listen(2048)
    except OSError:
        sock.close()
        raise
    sock.set_inheritable(True)
    return sock


def run_server(app: Any, sock: socket.socket, workers: int = DEFAULT_WORKERS, connections: int = DEFAULT_CONNECTIONS,
               on_exit: Callable[[Any], None] | None = None) -> int:
    """Serve ``app`` on ``sock`` with gunicorn's gevent workers until a signal stops it;
    the exit status. ``on_exit(app)`` runs in each worker as it stops. bench/service.py
    serves its floor app through this function too, so both are measured alike."""
    from gunicorn.app.base import BaseApplication

    options = {
        "bind": [f"fd://{sock.fileno()}"], "workers": workers, "worker_class": "gevent",
        "worker_connections": connections, "keepalive": KEEPALIVE_S, "graceful_timeout": GRACEFUL_S,
        "preload_app": True, "accesslog": None, "loglevel": "warning", "proc_name": "compliance-check",
        # A worker that blocks its loop this long is stuck: the master replaces it.
        "timeout": 120,
    }
    if on_exit is not None:
        options["worker_exit"] = lambda arbiter, worker: on_exit(app)

    class Server(BaseApplication):
        def load_config(self) -> None:
            for key, value in options.items():
                self.cfg.set(key, value)

        def load(self) -> Any:
            return app

    master = os.getpid()
    try:
        Server().run()
        code = 0
    except SystemExit as stop:  # gunicorn ends its master and its workers with sys.exit
        code = stop.code if isinstance(stop.code, int) else 1
    if os.getpid() != master:  # a worker, whose decision log ``on_exit`` has closed
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code)
    return code


def _usage(option: str, message: str) -> NoReturn:
    raise InputError([Problem("<command line>", 1, 1, option, message)])


def cmd_serve(args: argparse.Namespace, out: TextIO, stdin: TextIO) -> int:
    for option, value in (("--workers", args.workers), ("--connections", args.connections)):
        if value < 1:
            _usage(option, "must be at least 1")
    cooperative()
    from .api import create_app

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
        sock = listen(args.host, args.port)
    except OSError as exc:
        _usage("--port", f"cannot listen on {args.host}:{args.port}: {exc.strerror or exc}")
    host, port = sock.getsockname()[:2]
    packs = ", ".join(f"{p.id} {p.version}" for p in app.extensions["compliance_check"].catalog.packs.values())
    print(f"compliance-check: serving on http://{host if ':' not in host else f'[{host}]'}:{port} "
          f"({args.workers} worker{'s' * (args.workers > 1)}, {args.connections} connections each; packs: {packs})",
          file=sys.stderr, flush=True)
    try:
        return run_server(app, sock, args.workers, args.connections,
                          on_exit=lambda served: served.extensions["compliance_check"].decisions.close())
    finally:
        print("compliance-check: stopped", file=sys.stderr, flush=True)


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
