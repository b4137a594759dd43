"""The decision log on its own, and ``compliance-check decisions export``."""
from __future__ import annotations

import gc
import json
import os
import re
import signal
import threading
import time
from datetime import datetime, timedelta, timezone

import pytest

from compliance_check.api import create_app
from compliance_check.decision_writer import FAILED, ROW, frame
from compliance_check.decisions import DecisionLog, DecisionLogError, text_digest
from tests.service_helpers import exited

ENTRY = [{"text": "hi", "verdict": "pass", "rules": []}]


def test_every_recorded_decision_can_be_read_back_from_a_fresh_connection(tmp_path):
    path = tmp_path / "log" / "d.sqlite3"
    log = DecisionLog(path)
    ids: list[str] = []

    def client(n: int) -> None:
        for i in range(50):
            ids.append(log.record("/v1/check/message", "pass", [], [{"text": f"m{n}-{i}", "verdict": "pass", "rules": []}]))

    threads = [threading.Thread(target=client, args=(n,)) for n in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    log.close()
    reopened = DecisionLog(path)
    assert {d["decision_id"] for d in reopened.since()} == set(ids) and len(ids) == 400
    mode = __import__("sqlite3").connect(path).execute("PRAGMA journal_mode").fetchone()[0]
    assert mode == "wal"
    reopened.close()


def test_decision_ids_are_32_hex_digits_in_time_order(tmp_path):
    log = DecisionLog(tmp_path / "d.sqlite3")
    ids = []
    for _ in range(3):
        ids.append(log.record("/v1/check/message", "pass", [], ENTRY))
        time.sleep(0.002)
    assert all(re.fullmatch(r"[0-9a-f]{32}", i) for i in ids) and ids == sorted(ids)
    for decision_id in ids:  # the first 12 digits are the milliseconds of the decision's time
        logged = datetime.fromisoformat(log.get(decision_id)["time"].replace("Z", "+00:00"))
        assert abs(logged.timestamp() * 1000 - int(decision_id[:12], 16)) < 1000
    log.close()


def test_texts_are_hashed_and_kept_only_when_asked(tmp_path):
    plain = DecisionLog(tmp_path / "a.sqlite3")
    kept = DecisionLog(tmp_path / "b.sqlite3", store_text=True)
    entry = [{"id": "x", "text": "你好", "verdict": "pass", "rules": []}]
    a = plain.get(plain.record("/v1/check/messages", "pass", [], entry))
    b = kept.get(kept.record("/v1/check/messages", "pass", [], entry))
    assert a["messages"] == [{"id": "x", "verdict": "pass", "rules": [], "sha256": text_digest("你好")}]
    assert b["messages"][0]["text"] == "你好"
    assert "你好".encode() not in (tmp_path / "a.sqlite3").read_bytes() + (tmp_path / "a.sqlite3-wal").read_bytes()
    plain.close()
    kept.close()


def test_export_writes_json_lines_since_a_time(tmp_path, run_cli):
    path = tmp_path / "d.sqlite3"
    log = DecisionLog(path)
    first = log.record("/v1/check/message", "block", [{"id": "p", "version": "1", "sha256": "0" * 64}],
                       [{"text": "a", "verdict": "block", "rules": ["R-1"]}])
    second = log.record("/v1/check/message", "pass", [], [{"text": "b", "verdict": "pass", "rules": []}])
    log.close()
    result = run_cli("decisions", "export", "--db", str(path))
    assert result.code == 0
    rows = [json.loads(line) for line in result.out.splitlines()]
    assert [r["decision_id"] for r in rows] == [first, second]
    assert rows[0]["messages"][0]["rules"] == ["R-1"] and rows[0]["packs"][0]["id"] == "p"
    future = (datetime.now(timezone.utc) + timedelta(hours=1)).isoformat()
    assert run_cli("decisions", "export", "--db", str(path), "--since", future).out == ""
    assert len(run_cli("decisions", "export", "--db", str(path), "--since", "2000-01-01").out.splitlines()) == 2


def test_export_errors_are_one_line_exit_2(tmp_path, run_cli):
    bad = run_cli("decisions", "export", "--db", str(tmp_path / "none.sqlite3"))
    assert bad.code == 2 and len(bad.err.strip().splitlines()) == 1
    path = tmp_path / "d.sqlite3"
    DecisionLog(path).close()
    bad = run_cli("decisions", "export", "--db", str(path), "--since", "yesterday")
    assert bad.code == 2 and "--since" in bad.err and len(bad.err.strip().splitlines()) == 1


def test_the_writer_process_starts_with_the_first_decision_and_stops_with_the_log(tmp_path):
    log = DecisionLog(tmp_path / "d.sqlite3")
    assert log.writer_pid is None  # reading alone (decisions export) starts no process
    decision_id = log.record("/v1/check/message", "pass", [], ENTRY)
    pid = log.writer_pid
    assert pid is not None and not exited(pid, timeout=0)
    assert log.get(decision_id)["verdict"] == "pass"
    log.close()
    assert exited(pid)

    dropped = DecisionLog(tmp_path / "e.sqlite3")  # dropped without close(), as tests drop apps
    dropped.record("/v1/check/message", "pass", [], ENTRY)
    pid = dropped.writer_pid
    del dropped
    gc.collect()
    assert exited(pid)


def test_a_decision_that_cannot_be_stored_fails_alone(tmp_path, capfd):
    log = DecisionLog(tmp_path / "d.sqlite3", store_text=True)
    log.record("/v1/check/message", "pass", [], ENTRY)
    writer = log.writer_pid
    with pytest.raises(DecisionLogError):  # half a surrogate pair is not text SQLite can store
        log.record("/v1/check/message", "pass", [], [{"text": "\ud800", "verdict": "pass", "rules": []}])
    assert "\ud800" not in capfd.readouterr().err
    assert log.get(log.record("/v1/check/message", "pass", [], ENTRY))["verdict"] == "pass"
    assert log.writer_pid == writer
    log.close()


def test_a_group_the_writer_cannot_commit_is_answered_as_failed_and_the_writer_goes_on(tmp_path, capfd):
    log = DecisionLog(tmp_path / "d.sqlite3")
    taken = log.record("/v1/check/message", "pass", [], ENTRY)
    writer = log._writers.take()
    # the id is taken: SQLite refuses the row
    row = (taken, "2026-11-29T00:00:00.000000Z", "/v1/check/message", "pass", "[]", "[]")
    assert writer.send(frame(ROW, row)) == (FAILED, b"")
    assert "UNIQUE constraint failed" in capfd.readouterr().err
    assert log.get(log.record("/v1/check/message", "block", [], ENTRY))["verdict"] == "block"
    assert log.writer_pid == writer.pid and len(list(log.since())) == 2
    log.close()


def _record_in_thread(call) -> tuple[threading.Thread, list]:
    outcome: list = []

    def run() -> None:
        try:
            outcome.append(call())
        except Exception as exc:  # noqa: BLE001 - the test inspects it
            outcome.append(exc)

    thread = threading.Thread(target=run)
    thread.start()
    return thread, outcome


def test_requests_waiting_on_a_writer_that_dies_fail_and_the_next_decision_starts_another(tmp_path):
    log = DecisionLog(tmp_path / "d.sqlite3")
    log.record("/v1/check/message", "pass", [], ENTRY)
    killed = log.writer_pid
    os.kill(killed, signal.SIGSTOP)  # the writer takes the row no further than its socket
    waiting = [_record_in_thread(lambda: log.record("/v1/check/message", "pass", [], ENTRY)) for _ in range(3)]
    time.sleep(0.2)
    assert all(not outcome for _, outcome in waiting)  # nothing is answered before its commit
    os.kill(killed, signal.SIGKILL)
    for thread, outcome in waiting:
        thread.join(10)
        assert isinstance(outcome[0], DecisionLogError) and "stopped" in str(outcome[0])
    assert exited(killed)
    assert log.get(log.record("/v1/check/message", "block", [], ENTRY))["verdict"] == "block"
    assert log.writer_pid not in (None, killed)
    log.close()


def test_a_request_whose_writer_dies_gets_a_500_whose_decision_id_is_in_the_log(tmp_path):
    app = create_app({"DECISIONS_DB": str(tmp_path / "d.sqlite3")})
    client = app.test_client()
    log = app.extensions["compliance_check"].decisions
    assert client.post("/v1/check/message", json={"text": "hello"}).status_code == 200
    killed = log.writer_pid
    os.kill(killed, signal.SIGSTOP)
    thread, outcome = _record_in_thread(lambda: client.post("/v1/check/message", json={"text": "再不还钱小心你的腿"}))
    time.sleep(0.2)
    os.kill(killed, signal.SIGKILL)
    thread.join(10)
    r = outcome[0]
    assert r.status_code == 500 and r.mimetype == "application/problem+json"
    body = r.get_json()
    assert set(body) == {"type", "title", "status", "decision_id"}
    # The 500's own decision went to a new writer: the id a caller quotes is in the log.
    assert log.get(body["decision_id"])["verdict"] == "error"
    assert log.writer_pid not in (None, killed)

    again = client.post("/v1/check/message", json={"text": "再不还钱小心你的腿"})
    assert again.status_code == 200 and log.get(again.get_json()["decision_id"])["verdict"] == "block"
    log.close()
