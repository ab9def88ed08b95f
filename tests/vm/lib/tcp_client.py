#!/usr/bin/env python3
"""The client outside the guest (tests/vm/run, a scenario with
QR_HOSTFWD=1): connects to the guest's server through QEMU's hostfwd on
127.0.0.1:PORT, retrying until the server listens, then sends numbered
requests "N\\n" one after the other, each answered "N\\n", on that one
connection until told to stop (the server's "bye", its last hop). Any error, SIGTERM, end of file, wrong or
repeated answer after the first connection is a failure: no reconnect.
Writes REPORT as client_report.py says.
usage: tcp_client.py PORT REPORT"""
import socket
import sys
import time

from client_report import Report

port = int(sys.argv[1])
r = Report(sys.argv[2])
sock = None
while not r.stop and sock is None:
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
    r.connected()
    sock.settimeout(1)
    buf = b""
    n = 0
    while r.state["ok"]:
        if r.stop:
            r.fail(f"still running at the end, request {n}")
            break
        n += 1
        want = f"{n}\n".encode()
        try:
            sock.sendall(want)
            while b"\n" not in buf:
                if r.stop:
                    raise OSError("no answer by the end")
                try:
                    got = sock.recv(64)
                except socket.timeout:
                    continue
                if not got:
                    raise OSError("end of file from the server")
                buf += got
        except OSError as e:
            r.fail(f"request {n}: {e}")
            break
        line, _, buf = buf.partition(b"\n")
        if line == b"bye" and not buf:
            r.state["why"] = "stopped by the server"
            break
        if line + b"\n" != want or buf:
            r.fail(f"request {n} answered {line!r} {buf!r}")
            break
        r.answered(n)
        time.sleep(0.02)
r.write()
