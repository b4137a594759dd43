"""The decision log's process: it checks the messages a server sends it, commits every
decision, and answers once they are durable.

``decisions.DecisionLog`` forks it on the first decision, so it holds the server's
compiled packs without loading them again, and talks to it over one stream socket. The
server sends frames one after another: a kind byte, then the lengths of the kind's
fields (4 bytes big-endian each), then the fields, UTF-8.

- ``R``, a row to log (id, time, endpoint, verdict, packs, messages): the decisions the
  server made itself (message batches, contact logs, errors).
- ``M``, a message to check and log (pack ids, channel, text): ``POST /v1/check/message``,
  the send path's one call, whose check runs here, beside the server's loop, instead of
  in it (docs/benchmarks.md).

Two threads: one reads frames and checks messages, the other commits. Whatever has been
read and checked while the last commit ran, and in ``GATHER_S`` after the first of it,
is committed as one transaction (group commit, WAL, ``synchronous=FULL``), so concurrent
requests share an fsync and checks go on during the fsync; then each frame is answered,
in order: a status byte, a length, and for ``M`` the response body.

Checkpoints run here too, between commits (every 100 commits or 4 MiB): each one catches
up with the whole WAL, so the next commit starts the WAL over and overwrites blocks the
file already has. A commit that grows the file makes its fsync wait for a filesystem
journal commit too (3 to 4 ms against 0.2 ms on the development machine while other
programs were writing); a checkpointer running beside the writer never catches up under
constant load, and the WAL would grow with every commit.

The process stops when the server closes its end (a graceful stop, or the kernel closing
it when the server is killed): it commits what it has read first. It ignores SIGINT and
SIGTERM, which a terminal or a service manager may send to the server's whole process
group: the server decides when the log stops. It uses the operating system's calls as
they are, never gevent's: the server's event loop did not come with the fork.
"""
from __future__ import annotations

import importlib
import os
import signal
import sqlite3
import struct
import sys
import traceback
from typing import Any, Callable

ROW, MESSAGE = b"R", b"M"
FIELDS = {ROW: 6, MESSAGE: 3}
COMMITTED, FAILED, REFUSED = 1, 0, 2  # REFUSED: the check raised; nothing was logged
ANSWER = struct.Struct(">BI")  # status, length of the body that follows
_INSERT = "INSERT INTO decisions (id, time, endpoint, verdict, packs, messages) VALUES "
_BATCH = 512  # rows per statement: 3,072 parameters, under SQLite's limit
_CHECKPOINT_COMMITS = 100
_CHECKPOINT_BYTES = 4 << 20
# When the last turn committed more than one decision, the committing thread waits this
# long after the first frames of the next, while the reading thread goes on checking, so
# that a turn commits more decisions (a lone request is not kept waiting): a commit costs
# as much CPU as several decisions (its fsync, WAL writes and locks). bench/service.py,
# same runs: 0 ms 59% of the floor, 1 ms 65%, 2 ms 69%, 4 ms 53% (16 clients then wait
# on the log); docs/benchmarks.md, session 13.
GATHER_S = 0.002

# A message frame's fields -> (the decision's row, the response body).
CheckMessage = Callable[[list[str]], tuple[list[str], bytes]]


def connect(path: str) -> sqlite3.Connection:
    """A connection to the log: WAL, and every commit fsynced."""
    conn = sqlite3.connect(path, timeout=30, isolation_level=None, check_same_thread=False)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=FULL")
    return conn


def frame(kind: bytes, fields: tuple[str, ...]) -> bytes:
    """One frame as the server sends it. ``UnicodeEncodeError`` for text that is not
    Unicode (half a surrogate pair), which SQLite could not store either. (Not JSON: the
    fields of a row are JSON already, and encoding them again, escaped, cost more than
    the rest of the row.)"""
    encoded = [value.encode("utf-8") for value in fields]
    return kind + struct.pack(f">{len(encoded)}I", *map(len, encoded)) + b"".join(encoded)


def _frames(buffer: bytearray) -> list[tuple[bytes, list[str]]]:
    """The complete frames at the start of ``buffer``, removed from it. ``ValueError``
    (``UnicodeDecodeError`` is one) if a frame is not one this module writes."""
    found = []
    while buffer:
        kind = bytes(buffer[:1])
        count = FIELDS.get(kind)
        if count is None:
            raise ValueError(f"unknown frame kind {kind!r}")
        header = 1 + 4 * count
        if len(buffer) < header:
            break
        sizes = struct.unpack_from(f">{count}I", buffer, 1)
        end = header + sum(sizes)
        if len(buffer) < end:
            break
        fields, start = [], header
        for size in sizes:
            fields.append(buffer[start:start + size].decode("utf-8"))
            start += size
        found.append((kind, fields))
        del buffer[:end]
    return found


def _commit(conn: sqlite3.Connection, rows: list[list[str]]) -> bool:
    try:
        conn.execute("BEGIN")
        for start in range(0, len(rows), _BATCH):
            chunk = rows[start:start + _BATCH]
            # One statement for many rows: fewer steps than one per row.
            conn.execute(_INSERT + ", ".join(["(?, ?, ?, ?, ?, ?)"] * len(chunk)), [v for r in chunk for v in r])
        conn.execute("COMMIT")
        return True
    except Exception as exc:  # every waiting request must learn its decision was not logged
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        # SQLite's messages name the trouble (locked, disk full); others may quote a text.
        detail = f": {exc}" if isinstance(exc, sqlite3.Error) else ""
        _say(f"commit failed: {type(exc).__name__}{detail}")
        return False


def _say(line: str) -> None:
    # os.write, not print: a lock of sys.stderr may have been held by another thread at the fork
    os.write(2, f"compliance-check decision log: {line}\n".encode("utf-8", "replace"))


def _original(module: str, name: str) -> Any:
    """The function as Python has it, before gevent patched it (if it did): this process
    did not inherit the server's event loop."""
    monkey = sys.modules.get("gevent.monkey")
    return monkey.get_original(module, name) if monkey else getattr(importlib.import_module(module), name)


def serve(fd: int, path: str, check_message: CheckMessage | None) -> None:
    """Answer the server on socket ``fd`` until it closes its end."""
    ignore = _original("signal", "signal")
    ignore(signal.SIGINT, signal.SIG_IGN)
    ignore(signal.SIGTERM, signal.SIG_IGN)
    os.set_blocking(fd, True)
    groups = _original("queue", "SimpleQueue")()
    done = _original("_thread", "allocate_lock")()
    done.acquire()
    _original("_thread", "start_new_thread")(_commit_groups, (fd, path, groups, done, _original("time", "sleep")))
    try:
        _read_and_check(fd, check_message, groups)
    finally:
        groups.put(None)
        done.acquire()


def _read_and_check(fd: int, check_message: CheckMessage | None, groups: Any) -> None:
    """Read frames until the server closes its end; hand each read's rows and answers to
    the committing thread."""
    buffer = bytearray()
    while True:
        try:
            data = os.read(fd, 1 << 20)
        except OSError:  # ECONNRESET: the server is gone
            data = b""
        buffer.extend(data)
        try:
            frames = _frames(buffer)
        except ValueError as exc:  # not our server's frames: nothing it sends can be trusted now
            _say(f"stopping: {type(exc).__name__}")
            return
        rows: list[list[str]] = []
        bodies: list[bytes | None] = []  # None: the frame's check was refused
        for kind, fields in frames:
            if kind == ROW:
                rows.append(fields)
                bodies.append(b"")
                continue
            try:
                if check_message is None:
                    raise RuntimeError("this log checks no messages")
                row, body = check_message(fields)
            except Exception as exc:  # the type and the stack, never the message: it may quote the text
                _say(f"check failed: {type(exc).__name__}\n{''.join(traceback.format_tb(exc.__traceback__))}")
                bodies.append(None)
                continue
            rows.append(row)
            bodies.append(body)
        if frames:
            groups.put((rows, bodies))
        if not data:
            return


def _commit_groups(fd: int, path: str, groups: Any, done: Any, sleep: Callable[[float], None]) -> None:
    """Commit what the reading thread has handed over, as one transaction per turn, and
    answer each frame; until it hands over None. Releases ``done`` at the end."""
    try:
        conn = connect(path)
        # Checkpoints run here, between commits, so that each one catches up with the
        # whole WAL and the next commit starts the WAL over (see the module's docstring).
        conn.execute("PRAGMA wal_autocheckpoint=0")
        commits = written = 0
        finished = busy = False
        while not finished:
            taken = [groups.get()]
            if busy and taken[0] is not None:
                sleep(GATHER_S)
            while not groups.empty():
                taken.append(groups.get())
            finished = taken[-1] is None
            rows = [row for group in taken if group for row in group[0]]
            bodies = [body for group in taken if group for body in group[1]]
            if not bodies:
                continue
            busy = len(bodies) > 1  # requests arrive together: worth waiting for more of them
            status = COMMITTED if not rows or _commit(conn, rows) else FAILED
            answers = b"".join(ANSWER.pack(status, len(body)) + body if body is not None else ANSWER.pack(REFUSED, 0)
                               for body in bodies)
            try:
                _write_all(fd, answers)
            except OSError:  # the server was killed: nobody is waiting
                pass
            commits += 1
            written += sum(len(v) for r in rows for v in r)
            if commits >= _CHECKPOINT_COMMITS or written >= _CHECKPOINT_BYTES:
                conn.execute("PRAGMA wal_checkpoint(PASSIVE)")
                commits = written = 0
        conn.close()
    except BaseException as exc:  # noqa: BLE001 - the server sees the socket close
        _say(f"stopping: {type(exc).__name__}\n{''.join(traceback.format_tb(exc.__traceback__))}")
        os._exit(1)
    finally:
        done.release()


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view):]


def close_inherited(keep: int) -> None:
    """Close every descriptor the fork copied but ``keep`` and standard input, output and
    error: a server killed with its clients' connections open must not leave them open
    in this process."""
    os.closerange(3, keep)
    os.closerange(keep + 1, 1 << 20)
