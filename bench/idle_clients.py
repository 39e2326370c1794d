#!/usr/bin/python3
"""Open N PostgreSQL client connections and hold them idle (stdlib only, no libpq).

    idle_clients.py --port P --count N --ready-file F [--host 127.0.0.1] [--user bench]
                    [--db bench] [--parallel 128] [--timeout 120]

Each connection sends a StartupMessage (protocol 3.0) and reads until ReadyForQuery ('Z'), so
the pooler has fully admitted it; only trust authentication is supported (AuthenticationOk).
Connections are made with non-blocking sockets and one selector, --parallel at a time.
When every connection is open (or the first hard error, or --timeout), "<opened> <seconds>"
is written to the ready file; the sockets are then held until SIGTERM/SIGINT, and the
program prints how many the server closed meanwhile.
"""
import argparse
import errno
import os
import resource
import selectors
import signal
import socket
import struct
import sys
import time

ap = argparse.ArgumentParser(description=__doc__.split("\n")[1])
ap.add_argument("--host", default="127.0.0.1")
ap.add_argument("--port", type=int, required=True)
ap.add_argument("--user", default="bench")
ap.add_argument("--db", default="bench")
ap.add_argument("--count", type=int, required=True)
ap.add_argument("--parallel", type=int, default=128, help="logins in flight at once")
ap.add_argument("--timeout", type=float, default=120, help="seconds allowed to open them all")
ap.add_argument("--ready-file", required=True)
a = ap.parse_args()

soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
if soft < a.count + 100 and soft != hard:
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))

stop = False


def on_signal(signum, frame):
    global stop
    stop = True


signal.signal(signal.SIGTERM, on_signal)
signal.signal(signal.SIGINT, on_signal)

params = b"".join(k + b"\0" + v + b"\0" for k, v in (
    (b"user", a.user.encode()), (b"database", a.db.encode()), (b"application_name", b"idle_clients")))
body = struct.pack("!i", 196608) + params + b"\0"
STARTUP = struct.pack("!i", len(body) + 4) + body


class Conn:
    __slots__ = ("sock", "buf", "ready")

    def __init__(self, sock):
        self.sock, self.buf, self.ready = sock, b"", False


sel = selectors.DefaultSelector()
opened, failed, first_error = 0, 0, None
started = 0
held = set()
t0 = time.time()


def fail(c, why):
    global failed, first_error
    failed += 1
    first_error = first_error or why
    sel.unregister(c.sock)
    c.sock.close()


def start_one():
    global started
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.setblocking(False)
    rc = s.connect_ex((a.host, a.port))
    started += 1
    c = Conn(s)
    if rc not in (0, errno.EINPROGRESS):
        sel.register(s, selectors.EVENT_READ, c)
        fail(c, f"connect: {os.strerror(rc)}")
        return
    sel.register(s, selectors.EVENT_WRITE, c)


def on_writable(c):
    err = c.sock.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR)
    if err:
        fail(c, f"connect: {os.strerror(err)}")
        return
    c.sock.send(STARTUP)          # 70 bytes into an empty socket buffer: sent whole
    sel.modify(c.sock, selectors.EVENT_READ, c)


def on_readable(c):
    global opened
    try:
        data = c.sock.recv(65536)
    except (BlockingIOError, InterruptedError):
        return
    except OSError as e:
        fail(c, f"recv: {e}")
        return
    if not data:
        fail(c, "closed by the server during login")
        return
    c.buf += data
    while len(c.buf) >= 5:
        kind = c.buf[0:1]
        n = struct.unpack("!i", c.buf[1:5])[0]
        if len(c.buf) < 1 + n:
            return
        msg, c.buf = c.buf[5:1 + n], c.buf[1 + n:]
        if kind == b"R" and struct.unpack("!i", msg[:4])[0] != 0:
            fail(c, f"server asks for authentication {struct.unpack('!i', msg[:4])[0]} (only trust is supported)")
            return
        if kind == b"E":
            fields = dict((f[:1], f[1:]) for f in msg.split(b"\0") if f)
            fail(c, "ErrorResponse: " + fields.get(b"M", b"?").decode(errors="replace"))
            return
        if kind == b"Z":
            c.ready, c.buf = True, b""
            opened += 1
            held.add(c)
            return


closed = 0


def on_held_readable(c):
    """A held connection got data (a NOTICE, say) or was closed."""
    global closed
    try:
        data = c.sock.recv(65536)
    except (BlockingIOError, InterruptedError):
        return
    except OSError:
        data = b""
    if not data:
        closed += 1
        held.discard(c)
        sel.unregister(c.sock)
        c.sock.close()


deadline = t0 + a.timeout
while not stop and opened + failed < a.count and time.time() < deadline:
    if failed > 0:
        break                      # keep what is open, report the first error
    while started - opened - failed < a.parallel and started < a.count:
        start_one()
    for key, events in sel.select(timeout=0.5):
        c = key.data
        if c.ready:
            on_held_readable(c)
            continue
        if events & selectors.EVENT_WRITE:
            on_writable(c)
        elif events & selectors.EVENT_READ:
            on_readable(c)
elapsed = time.time() - t0

# drop logins still in flight; keep the open ones registered to notice closes
for key in list(sel.get_map().values()):
    c = key.data
    if not c.ready:
        sel.unregister(c.sock)
        c.sock.close()
with open(a.ready_file + ".tmp", "w") as f:
    f.write(f"{opened} {elapsed:.2f}\n")
os.rename(a.ready_file + ".tmp", a.ready_file)
msg = f"idle_clients: holding {opened} of {a.count} connections, opened in {elapsed:.2f} s"
if first_error:
    msg += f"; {failed} failed, first: {first_error}"
print(msg, file=sys.stderr, flush=True)

while not stop and held:
    for key, _ in sel.select(timeout=0.5):
        on_held_readable(key.data)
for key in list(sel.get_map().values()):
    key.data.sock.close()
print(f"idle_clients: done; the server closed {closed} of the {opened} while they were held",
      file=sys.stderr, flush=True)
