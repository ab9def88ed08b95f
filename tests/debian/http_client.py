#!/usr/bin/env python3
"""The keep-alive HTTP client outside the Debian guest (tests/debian/run):
connects to the guest's nginx through QEMU's hostfwd on 127.0.0.1:PORT,
retrying until nginx answers, then sends GET /qr-stop?n=N one after the
other on that one connection. nginx answers 404 until the guest test
creates /var/www/html/qr-stop, then 200: the client stops there. Any
error, end of file, "Connection: close", SIGTERM or status other than
404/200 after the first connection is a failure: no reconnect.
Writes REPORT as tests/vm/lib/client_report.py says.
usage: http_client.py PORT REPORT"""
import os
import socket
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "vm", "lib"))
from client_report import Report  # noqa: E402

port = int(sys.argv[1])
r = Report(sys.argv[2])


class Conn:
    def __init__(self, sock):
        self.sock, self.buf = sock, b""

    def fill(self):
        while True:
            if r.stop:
                raise OSError("no answer by the end (SIGTERM)")
            try:
                got = self.sock.recv(65536)
            except socket.timeout:
                continue
            if not got:
                raise OSError("end of file from nginx")
            self.buf += got
            return

    def get(self, n):
        """One request; returns the status."""
        self.sock.sendall(f"GET /qr-stop?n={n} HTTP/1.1\r\nHost: qr\r\n\r\n".encode())
        while b"\r\n\r\n" not in self.buf:
            self.fill()
        head, _, self.buf = self.buf.partition(b"\r\n\r\n")
        lines = head.decode("latin-1").split("\r\n")
        status = int(lines[0].split()[1])
        hdr = {k.strip().lower(): v.strip() for k, _, v in
               (l.partition(":") for l in lines[1:])}
        if hdr.get("connection", "").lower() == "close":
            raise OSError(f"request {n}: nginx closes the connection")
        length = int(hdr.get("content-length", "-1"))
        if length < 0:
            raise OSError(f"request {n}: no Content-Length")
        while len(self.buf) < length:
            self.fill()
        self.buf = self.buf[length:]
        return status


conn = None
while not r.stop and conn is None:
    s = None
    try:
        s = socket.create_connection(("127.0.0.1", port), timeout=2)
        # slirp accepts before the guest does: nginx is there once it
        # answers (an emulated guest may take long).
        s.settimeout(60)
        c = Conn(s)
        if c.get(0) in (200, 404):
            conn = c
    except (OSError, ValueError, IndexError):
        pass
    if conn is None:
        if s is not None:
            s.close()
        time.sleep(1)
if conn is not None:
    r.connected()
    conn.sock.settimeout(1)
    n = 0
    while True:
        n += 1
        try:
            status = conn.get(n)
        except (OSError, ValueError, IndexError) as e:
            r.fail(f"request {n}: {e}")
            break
        r.answered(n)
        if status == 200:
            r.state["why"] = "stopped by the guest"
            break
        if status != 404:
            r.fail(f"request {n}: status {status}")
            break
        time.sleep(0.1)
r.write()
