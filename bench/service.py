"""Benchmark: POST /v1/check/message over HTTP, against a bare Flask endpoint (the floor).

    .venv/bin/python bench/service.py [--requests 4000] [--clients 16] [--workers 1] [--repeat 5]

Both servers run the same way, each its own gunicorn: ``compliance_check.serve.run_server``
(gevent workers, --workers of them, as ``compliance-check serve``), serving a Flask app.
The app is the service (``create_app`` with the bundled packs and a decision log in a
temporary folder, so every request is checked and committed to SQLite by the log's
process before its answer); the floor is a Flask app whose one route answers the same
path with a constant JSON body. The load comes from other processes: 16 keep-alive
clients (``http.client`` in threads, split over two processes so the client does not
starve the server of the GIL it would share). Workload: the SMS-length mixed
Chinese/English messages of bench/messages.py, each sent with the jurisdiction of its
language. Prints requests/s, p50/p99 latency and the server's CPU time per request of
each (in all, then the workers' and the decision-log processes' parts), medians over
--repeat runs, and the throughput ratio service/floor. ``--without-log`` adds a third
server, the service checking in its worker and answering with an id that is not logged,
to show what the log's process costs and saves (a diagnosis, not a mode of the product).
"""
from __future__ import annotations

import argparse
import http.client
import json
import multiprocessing
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))

from compliance_check.serve import DEFAULT_WORKERS  # noqa: E402

PATH = "/v1/check/message"
FLOOR_BODY = {"verdict": "pass", "findings": [], "packs": [{"id": "cn-collection", "version": "1.1.0"}],
              "decision_id": "0" * 32}


def serve(kind: str, workers: int, db: str) -> None:
    """Run one server in this process; print its port on stdout."""
    from compliance_check.serve import cooperative, listen, run_server

    cooperative()  # as ``compliance-check serve`` does, before the app is made
    from flask import Flask, jsonify

    if kind in ("service", "service-without-log"):
        from compliance_check.api import create_app

        app = create_app({"DECISIONS_DB": db})
        if kind == "service-without-log":  # diagnosis only: what the durable decision log costs
            import uuid

            from compliance_check.web.api_v1 import message_check

            # the check in the worker itself, and an id that is not logged
            check = message_check(app.extensions["compliance_check"].catalog)
            log = app.extensions["compliance_check"].decisions
            log.record = lambda *args, **kwargs: uuid.uuid4().hex
            log.check_message = lambda ids, channel, text: check(ids, channel, text)[3](uuid.uuid4().hex)
    else:
        app = Flask("floor")

        @app.post(PATH)
        def constant():
            return jsonify(FLOOR_BODY)

    sock = listen("127.0.0.1", 0)
    print(sock.getsockname()[1], flush=True)
    run_server(app, sock, workers)


def start(kind: str, workers: int, db: str) -> tuple[subprocess.Popen, int]:
    proc = subprocess.Popen([sys.executable, __file__, "--serve", kind, "--workers", str(workers), "--db", db],
                            stdout=subprocess.PIPE, text=True)
    port = proc.stdout.readline().strip()
    if not port.isdigit():
        proc.wait()
        raise SystemExit(f"the {kind} server did not start (exit {proc.returncode})")
    return proc, int(port)


def _client_process(port: int, bodies: list[bytes], threads: int, start_at: float) -> tuple[list[float], float]:
    """``threads`` keep-alive clients sharing ``bodies``; returns latencies and the end time."""
    latencies: list[float] = []
    lock = threading.Lock()
    shares = [bodies[i::threads] for i in range(threads)]

    def run(share: list[bytes]) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port)
        mine = []
        time.sleep(max(0.0, start_at - time.time()))
        for body in share:
            t0 = time.perf_counter()
            conn.request("POST", PATH, body, {"Content-Type": "application/json"})
            response = conn.getresponse()
            response.read()
            mine.append(time.perf_counter() - t0)
            if response.status != 200:
                raise RuntimeError(f"HTTP {response.status}")
        conn.close()
        with lock:
            latencies.extend(mine)

    workers = [threading.Thread(target=run, args=(s,)) for s in shares]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    return latencies, time.time()


def cpu_seconds(pid: int, depth: int = 0, into: list[float] | None = None) -> list[float]:
    """User + system CPU time so far of a process and of the processes below it, by depth:
    [gunicorn's master, its workers, their decision-log processes], from /proc (Linux;
    NaN elsewhere)."""
    into = into if into is not None else [0.0, 0.0, 0.0]
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        children = [int(c) for task in Path(f"/proc/{pid}/task").iterdir() for c in (task / "children").read_text().split()]
    except OSError:
        return [float("nan")] * 3
    into[min(depth, 2)] += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    for child in children:
        cpu_seconds(child, depth + 1, into)
    return into


def load(pool, server: tuple[subprocess.Popen, int], bodies: list[bytes], clients: int,
         processes: int) -> tuple[float, ...]:
    """requests/s, p50 ms, p99 ms, server CPU microseconds per request: in all, in the
    workers, in the decision-log processes."""
    proc, port = server
    start_at = time.time() + 0.3
    parts = [bodies[i::processes] for i in range(processes)]
    cpu_before = cpu_seconds(proc.pid)
    results = pool.starmap(_client_process, [(port, part, clients // processes, start_at) for part in parts])
    used = [after - before for after, before in zip(cpu_seconds(proc.pid), cpu_before)]
    latencies = sorted(x for lat, _ in results for x in lat)
    elapsed = max(end for _, end in results) - start_at
    per_request = [u / len(latencies) * 1e6 for u in used]
    return (len(latencies) / elapsed, latencies[len(latencies) // 2] * 1000,
            latencies[int(len(latencies) * 0.99)] * 1000, sum(per_request), per_request[1], per_request[2])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--requests", type=int, default=4000, help="requests per measured run")
    ap.add_argument("--clients", type=int, default=16)
    ap.add_argument("--processes", type=int, default=2, help="client processes sharing the clients")
    ap.add_argument("--workers", type=int, default=DEFAULT_WORKERS, help="gunicorn workers of both servers (default: as serve)")
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--without-log", action="store_true",
                    help="also measure the service with the decision log replaced by an id generator (diagnosis)")
    ap.add_argument("--serve", choices=("service", "service-without-log", "floor"), help=argparse.SUPPRESS)
    ap.add_argument("--db", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.serve:
        serve(args.serve, args.workers, args.db)
        return

    from messages import generate_messages

    texts = generate_messages(args.requests)
    bodies = [json.dumps({"text": t, "channel": "sms", "jurisdiction": "CN" if i % 2 == 0 else "US"},
                         ensure_ascii=False).encode() for i, t in enumerate(texts)]
    print(f"workload: {len(bodies)} requests per run, {sum(map(len, texts)) / len(texts):.0f} chars per message, "
          f"{args.clients} keep-alive clients in {args.processes} processes, gunicorn with {args.workers} gevent worker(s)")
    kinds = ["floor", "service"] + (["service-without-log"] if args.without_log else [])
    labels = {"floor": "floor (bare Flask, constant JSON)", "service": "service (POST /v1/check/message)",
              "service-without-log": "service, decision log off (diagnosis)"}
    with tempfile.TemporaryDirectory() as tmp, multiprocessing.get_context("fork").Pool(args.processes) as pool:
        servers: dict[str, tuple[subprocess.Popen, int]] = {}
        try:
            for k in kinds:
                servers[k] = start(k, args.workers, str(Path(tmp) / f"{k}.sqlite3"))
            for server in servers.values():  # warm up
                load(pool, server, bodies[:400], args.clients, args.processes)
            runs: dict[str, list[tuple[float, ...]]] = {k: [] for k in kinds}
            for _ in range(args.repeat):  # in turn, so that all see the same machine noise
                for k in kinds:
                    runs[k].append(load(pool, servers[k], bodies, args.clients, args.processes))
        finally:
            for proc, _ in servers.values():
                proc.terminate()
                proc.wait()
    for k in kinds:
        rps, p50, p99, cpu, worker, log = (statistics.median(r[i] for r in runs[k]) for i in range(6))
        print(f"{labels[k]:<38} {rps:7,.0f} requests/s  p50 {p50:5.1f} ms  p99 {p99:5.1f} ms  "
              f"server CPU {cpu:5.0f} us/request (worker {worker:4.0f}, log {log:4.0f})  (median of {args.repeat})")
    for k in kinds[1:]:
        ratios = [s[0] / f[0] for s, f in zip(runs[k], runs["floor"])]
        print(f"throughput {k}/floor: median {statistics.median(ratios):.0%}, per run "
              + ", ".join(f"{r:.0%}" for r in ratios))


if __name__ == "__main__":
    main()
