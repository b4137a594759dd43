"""The decision log on its own, and ``compliance-check decisions export``."""
from __future__ import annotations

import json
import threading
from datetime import datetime, timedelta, timezone

from compliance_check.decisions import DecisionLog, text_digest


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
