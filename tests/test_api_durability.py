"""Durability of the decision log: concurrent clients, SIGKILL mid-way (gunicorn's master
and its worker), restart. Every decision id a client received must be in the log; a
decision is committed before its response is sent."""
from __future__ import annotations

import http.client
import json
import os
import signal
import threading
from urllib.parse import urlsplit

from compliance_check.decisions import DecisionLog
from tests.service_helpers import child_pids, exited, start_server

TOTAL = 2_000
CLIENTS = 8
TEXTS = ["再不还钱小心你的腿", "您好，请于5月20日前还款。", "We will have you arrested.", "Reply STOP to opt out."]


def send(url: str, count: int, received: list[str], lock: threading.Lock, stop_after: int | None = None) -> None:
    """Send ``count`` checks over one keep-alive connection; stop at the first failure
    (the server was killed) or once ``stop_after`` decisions were received in total."""
    parts = urlsplit(url)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
    try:
        for i in range(count):
            body = json.dumps({"text": TEXTS[i % len(TEXTS)], "channel": "sms"})
            try:
                conn.request("POST", "/v1/check/message", body, {"Content-Type": "application/json"})
                response = conn.getresponse()
                data = response.read()
            except (OSError, http.client.HTTPException):
                return
            assert response.status == 200, data
            with lock:
                received.append(json.loads(data)["decision_id"])
                if stop_after is not None and len(received) >= stop_after:
                    return
    finally:
        conn.close()


def processes(master: int) -> tuple[list[int], list[int]]:
    """The server's worker processes (gunicorn's master starts them) and their decision-log writers."""
    workers = child_pids(master)
    return workers, [writer for worker in workers for writer in child_pids(worker)]


def run_clients(url: str, per_client: int, received: list[str], lock: threading.Lock) -> list[threading.Thread]:
    threads = [threading.Thread(target=send, args=(url, per_client, received, lock)) for _ in range(CLIENTS)]
    for t in threads:
        t.start()
    return threads


def test_every_received_decision_survives_sigkill(tmp_path):
    db = tmp_path / "decisions.sqlite3"
    lock = threading.Lock()
    before: list[str] = []
    server = start_server(db)
    threads = run_clients(server.url, TOTAL // CLIENTS, before, lock)
    while True:  # kill mid-way, while every client is busy
        with lock:
            if len(before) >= TOTAL // 2 or not any(t.is_alive() for t in threads):
                break
        threading.Event().wait(0.005)
    workers, writers = processes(server.process.pid)
    os.kill(server.process.pid, signal.SIGKILL)  # the master first: it would start new workers
    for pid in workers:
        os.kill(pid, signal.SIGKILL)
    assert server.stop(signal.SIGKILL) == -signal.SIGKILL
    for t in threads:
        t.join()
    assert len(workers) == 1 and len(writers) == 1
    assert exited(writers[0])  # the writer process commits what it read and does not outlive its server
    assert TOTAL // 2 <= len(before) < TOTAL

    after: list[str] = []
    restarted = start_server(db)
    for t in run_clients(restarted.url, -(-(TOTAL - len(before)) // CLIENTS), after, lock):
        t.join()
    workers, writers = processes(restarted.process.pid)
    assert restarted.stop() == 0  # SIGTERM: a graceful stop
    assert len(writers) == 1 and exited(writers[0])

    received = before + after
    assert len(received) >= TOTAL and len(set(received)) == len(received)
    log = DecisionLog(db)
    logged = {d["decision_id"] for d in log.since()}
    log.close()
    missing = set(received) - logged
    assert not missing, f"{len(missing)} decision ids a client received are not in the log"
