"""Benchmark: POST /v1/check/message over HTTP, against a bare Flask endpoint (the floor).

    .venv/bin/python bench/service.py [--requests 4000] [--clients 16] [--threads 16] [--repeat 5]

Both servers run the same way, in their own process: ``compliance_check.serve.create_server``
(waitress with --threads worker threads, as ``compliance-check serve``), serving a Flask app. The app is the service (``create_app`` with the bundled
packs and a decision log in a temporary folder, so every request is committed to SQLite
before its answer); the floor is a Flask app whose one route answers the same path with
a constant JSON body. The load comes from other processes: 16 keep-alive clients
(``http.client`` in threads, split over two processes so the client does not starve the
server of the GIL it would share). Workload: the SMS-length mixed Chinese/English
messages of bench/messages.py, each sent with the jurisdiction of its language.
Prints requests/s and p50/p99 latency of each, medians over --repeat runs, and the
throughput ratio service/floor.
"""
from __future__ import annotations

import argparse
import http.client
import json
import multiprocessing
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

from compliance_check.serve import DEFAULT_THREADS  # noqa: E402

PATH = "/v1/check/message"
FLOOR_BODY = {"verdict": "pass", "findings": [], "packs": [{"id": "cn-collection", "version": "1.1.0"}],
              "decision_id": "0" * 32}


def serve(kind: str, threads: int, db: str) -> None:
    """Run one server in this process; print its port on stdout."""
    import logging

    from flask import Flask, jsonify

    from compliance_check.serve import create_server

    logging.getLogger("waitress.queue").setLevel(logging.ERROR)  # "Task queue depth" is the load working

    if kind == "service":
        from compliance_check.api import create_app

        app = create_app({"DECISIONS_DB": db})
    else:
        app = Flask("floor")

        @app.post(PATH)
        def constant():
            return jsonify(FLOOR_BODY)

    server = create_server(app, "127.0.0.1", 0, threads)
    print(server.effective_port, flush=True)
    server.run()


def start(kind: str, threads: int, db: str) -> tuple[subprocess.Popen, int]:
    proc = subprocess.Popen([sys.executable, __file__, "--serve", kind, "--threads", str(threads), "--db", db],
                            stdout=subprocess.PIPE, text=True)
    return proc, int(proc.stdout.readline())


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


def load(pool, port: int, bodies: list[bytes], clients: int, processes: int) -> tuple[float, float, float]:
    """requests/s, p50 ms, p99 ms."""
    start_at = time.time() + 0.3
    parts = [bodies[i::processes] for i in range(processes)]
    results = pool.starmap(_client_process, [(port, part, clients // processes, start_at) for part in parts])
    latencies = sorted(x for lat, _ in results for x in lat)
    elapsed = max(end for _, end in results) - start_at
    return len(latencies) / elapsed, latencies[len(latencies) // 2] * 1000, latencies[int(len(latencies) * 0.99)] * 1000


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--requests", type=int, default=4000, help="requests per measured run")
    ap.add_argument("--clients", type=int, default=16)
    ap.add_argument("--processes", type=int, default=2, help="client processes sharing the clients")
    ap.add_argument("--threads", type=int, default=DEFAULT_THREADS, help="waitress threads of both servers (default: as serve)")
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--serve", choices=("service", "floor"), help=argparse.SUPPRESS)
    ap.add_argument("--db", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.serve:
        serve(args.serve, args.threads, args.db)
        return

    from messages import generate_messages

    texts = generate_messages(args.requests)
    bodies = [json.dumps({"text": t, "channel": "sms", "jurisdiction": "CN" if i % 2 == 0 else "US"},
                         ensure_ascii=False).encode() for i, t in enumerate(texts)]
    print(f"workload: {len(bodies)} requests per run, {sum(map(len, texts)) / len(texts):.0f} chars per message, "
          f"{args.clients} keep-alive clients in {args.processes} processes, waitress with {args.threads} threads")
    with tempfile.TemporaryDirectory() as tmp, multiprocessing.get_context("fork").Pool(args.processes) as pool:
        service, service_port = start("service", args.threads, str(Path(tmp) / "decisions.sqlite3"))
        floor, floor_port = start("floor", args.threads, "")
        try:
            for port in (service_port, floor_port):  # warm up both
                load(pool, port, bodies[:400], args.clients, args.processes)
            runs: dict[str, list[tuple[float, float, float]]] = {"service": [], "floor": []}
            for _ in range(args.repeat):  # alternate, so both see the same machine noise
                runs["floor"].append(load(pool, floor_port, bodies, args.clients, args.processes))
                runs["service"].append(load(pool, service_port, bodies, args.clients, args.processes))
        finally:
            for proc in (service, floor):
                proc.terminate()
                proc.wait()
    for name, label in (("floor", "floor (bare Flask, constant JSON)"), ("service", "service (POST /v1/check/message)")):
        rps, p50, p99 = (statistics.median(r[i] for r in runs[name]) for i in range(3))
        print(f"{label:<36} {rps:8,.0f} requests/s   p50 {p50:5.1f} ms   p99 {p99:5.1f} ms   (median of {args.repeat})")
    ratios = [s[0] / f[0] for s, f in zip(runs["service"], runs["floor"])]
    print(f"throughput service/floor: median {statistics.median(ratios):.0%}, per run "
          + ", ".join(f"{r:.0%}" for r in ratios))


if __name__ == "__main__":
    main()
