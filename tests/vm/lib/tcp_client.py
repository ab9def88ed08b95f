#!/usr/bin/env python3
"""The client outside the guest (tests/vm/run, a scenario with
QR_HOSTFWD=1): connects to the guest's server through QEMU's hostfwd on
127.0.0.1:PORT, retrying until the server listens, then sends numbered
requests "N\\n" one after the other, each answered "N\\n", on that one
connection until told to stop (the server's "bye", its last hop). Any error, SIGTERM, end of file, wrong or
repeated answer after the first connection is a failure: no reconnect.
Writes REPORT: ok=0|1 requests=N max_gap_ms=G gap_at=N gaps=MS@N,...
why=TEXT, where G is the longest time between two answers, and gaps
lists each of 1 s or more with the request that ended it (the quick
reboots').
usage: tcp_client.py PORT REPORT"""
import signal
import socket
import sys
import time

port, report = int(sys.argv[1]), sys.argv[2]
state = {"ok": 0, "requests": 0, "max_gap_ms": 0, "gap_at": 0, "gaps": "-",
         "why": "never connected"}
gaps = []
stop = False


def on_term(_sig, _frame):
    global stop
    stop = True


def write():
    with open(report, "w") as f:
        f.write(" ".join(f"{k}={v}" for k, v in state.items() if k != "why"))
        f.write(f" why={state['why']}\n")


signal.signal(signal.SIGTERM, on_term)
sock = None
while not stop and sock is None:
    s = None
    try:
        s = socket.create_connection(("127.0.0.1", port), timeout=2)
        # slirp accepts before the guest does: a server is there once it
        # answers the first request (an emulated guest may take long).
        s.settimeout(60)
        s.sendall(b"0\n")
        if s.recv(2) == b"0\n":
            sock = s
    except OSError:
        pass
    if sock is None:
        if s is not None:
            s.close()
        time.sleep(0.5)
if sock is not None:
    state.update(ok=1, why="")
    sock.settimeout(1)
    last = time.monotonic()
    buf = b""
    n = 0
    while state["ok"]:
        if stop:
            state.update(ok=0, why=f"still running at the end, request {n}")
            break
        n += 1
        want = f"{n}\n".encode()
        try:
            sock.sendall(want)
            while b"\n" not in buf:
                if stop:
                    raise OSError("no answer by the end")
                try:
                    got = sock.recv(64)
                except socket.timeout:
                    continue
                if not got:
                    raise OSError("end of file from the server")
                buf += got
        except OSError as e:
            state.update(ok=0, why=f"request {n}: {e}")
            break
        line, _, buf = buf.partition(b"\n")
        if line == b"bye" and not buf:
            state["why"] = "stopped by the server"
            break
        if line + b"\n" != want or buf:
            state.update(ok=0, why=f"request {n} answered {line!r} {buf!r}")
            break
        now = time.monotonic()
        gap = int((now - last) * 1000)
        if gap > state["max_gap_ms"]:
            state.update(max_gap_ms=gap, gap_at=n)
        if gap >= 1000:
            gaps.append(f"{gap}@{n}")
            state["gaps"] = ",".join(gaps)
        last = now
        state["requests"] = n
        time.sleep(0.02)
write()
