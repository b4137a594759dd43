"""The decision log's writer process: it commits the decisions a server sends it and
acknowledges each one once it is durable.

The server (``decisions.DecisionLog``) starts it with ``python -I decision_writer.py
CONTROL_FD PATH`` and hands it one stream socket per request thread over the control
socket (file descriptors passed with ``SCM_RIGHTS``). On a socket, a request thread
sends one frame (the lengths of the row's six fields, 4 bytes big-endian each, then the
fields, UTF-8) and waits for one byte: ``1`` once the row is committed, ``0`` if the
commit failed. Whatever is waiting on the sockets when the writer is free is committed
as one transaction (group commit, WAL, ``synchronous=FULL``), so concurrent requests
share an fsync.

The SQLite work runs here, not in the server, because the server is one Python process:
a writer thread there holds the interpreter lock that waitress's socket loop and the
request threads need, and its CPU time is the server's. Checkpoints run here too, between
commits (every 100 commits or 4 MiB): each one catches up with the whole WAL, so the next
commit starts the WAL over and overwrites blocks the file already has. A commit that
grows the file makes its fsync wait for a filesystem journal commit too (3 to 4 ms
against 0.2 ms on the development machine while other programs were writing); a
checkpointer running beside the writer never catches up under constant load, and the
WAL would grow with every commit.

The writer stops when the server closes the control socket and every request socket
(a graceful stop, or the kernel closing them when the server is killed): it commits what
it has read first. It ignores SIGINT and SIGTERM, which a terminal or a service manager
may send to the server's whole process group: the server decides when the log stops.

Stdlib only, and run with ``-I``: it imports nothing from the server's package.
"""
from __future__ import annotations

import selectors
import signal
import socket
import sqlite3
import struct
import sys

_COLUMNS = 6
_HEADER = struct.Struct(f">{_COLUMNS}I")
_INSERT = "INSERT INTO decisions (id, time, endpoint, verdict, packs, messages) VALUES "
_BATCH = 512  # rows per statement: 3,072 parameters, under SQLite's limit
_CHECKPOINT_COMMITS = 100
_CHECKPOINT_BYTES = 4 << 20
COMMITTED, FAILED = b"\x01", b"\x00"


def connect(path: str) -> sqlite3.Connection:
    """A connection to the log: WAL, and every commit fsynced."""
    conn = sqlite3.connect(path, timeout=30, isolation_level=None, check_same_thread=False)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=FULL")
    return conn


def frame(row: tuple[str, ...]) -> bytes:
    """One row as the server sends it: its fields' lengths, then the fields, UTF-8.
    ``UnicodeEncodeError`` for text that is not Unicode (half a surrogate pair), which
    SQLite could not store either. (Not JSON: the text of a decision is JSON already,
    and encoding it again, escaped, cost more than the rest of the row.)"""
    fields = [value.encode("utf-8") for value in row]
    return _HEADER.pack(*map(len, fields)) + b"".join(fields)


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
        print(f"compliance-check decision writer: commit failed: {type(exc).__name__}{detail}", file=sys.stderr, flush=True)
        return False


def _rows(buffer: bytearray) -> list[list[str]]:
    """The complete frames at the start of ``buffer``, removed from it. ``ValueError``
    (``UnicodeDecodeError`` is one) if a frame's fields are not UTF-8."""
    rows = []
    while len(buffer) >= _HEADER.size:
        sizes = _HEADER.unpack_from(buffer)
        end = _HEADER.size + sum(sizes)
        if len(buffer) < end:
            break
        row, start = [], _HEADER.size
        for size in sizes:
            row.append(buffer[start:start + size].decode("utf-8"))
            start += size
        rows.append(row)
        del buffer[:end]
    return rows


def run(control: socket.socket, path: str) -> None:
    """Serve the server behind ``control`` until it closes everything."""
    conn = connect(path)
    # Checkpoints run here, between commits, so that each one catches up with the whole
    # WAL and the next commit starts the WAL over (see the module's docstring).
    conn.execute("PRAGMA wal_autocheckpoint=0")
    try:
        _serve(control, conn)
    finally:
        conn.close()


def _serve(control: socket.socket, conn: sqlite3.Connection) -> None:
    selector = selectors.DefaultSelector()
    selector.register(control, selectors.EVENT_READ, None)
    buffers: dict[socket.socket, bytearray] = {}
    control_open = True
    commits = written = 0
    while control_open or buffers:
        rows: list[list[str]] = []
        waiting: list[socket.socket] = []
        for key, _ in selector.select():
            sock: socket.socket = key.fileobj  # type: ignore[assignment]
            if key.data is None:
                try:
                    message, fds, _, _ = socket.recv_fds(control, 64, 64)
                except OSError:
                    message, fds = b"", []
                for fd in fds:
                    channel = socket.socket(fileno=fd)
                    buffers[channel] = bytearray()
                    selector.register(channel, selectors.EVENT_READ, buffers[channel])
                if not message:
                    control_open = False
                    selector.unregister(control)
                continue
            try:
                data = sock.recv(1 << 16)
            except OSError:  # ECONNRESET: the server is gone with an answer unread
                data = b""
            if data:
                key.data.extend(data)
                try:
                    found = _rows(key.data)
                except ValueError:  # not our server's frames: drop that socket
                    found, data = [], b""
                rows.extend(found)
                waiting.extend([sock] * len(found))
            if not data:
                selector.unregister(sock)
                del buffers[sock]
                sock.close()
        if rows:
            answer = COMMITTED if _commit(conn, rows) else FAILED
            for sock in waiting:
                try:
                    sock.sendall(answer)
                except OSError:  # that request is gone (its server was killed): nothing to tell
                    pass
            commits += 1
            written += sum(len(v) for r in rows for v in r)
            if commits >= _CHECKPOINT_COMMITS or written >= _CHECKPOINT_BYTES:
                conn.execute("PRAGMA wal_checkpoint(PASSIVE)")
                commits = written = 0


def main(argv: list[str]) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    control_fd, path = argv
    run(socket.socket(fileno=int(control_fd)), path)


if __name__ == "__main__":
    main(sys.argv[1:])
