"""What a client outside the guest (tcp_client.py here, tests/debian/
http_client.py) reports, in one line of REPORT: ok=0|1 requests=N
max_gap_ms=G gap_at=N gaps=MS@N,... why=TEXT, where G is the longest time
between two answers, and gaps lists each of 1 s or more with the request
that ended it (the quick reboots'). SIGTERM sets stop: the client ends."""
import signal
import time


class Report:
    def __init__(self, path):
        self.path = path
        self.state = {"ok": 0, "requests": 0, "max_gap_ms": 0, "gap_at": 0,
                      "gaps": "-", "why": "never connected"}
        self.gaps = []
        self.stop = False
        self.last = 0.0
        signal.signal(signal.SIGTERM, self._on_term)

    def _on_term(self, _sig, _frame):
        self.stop = True

    def connected(self):
        self.state.update(ok=1, why="")
        self.last = time.monotonic()

    def answered(self, n):
        """Request n answered now."""
        now = time.monotonic()
        gap = int((now - self.last) * 1000)
        if gap > self.state["max_gap_ms"]:
            self.state.update(max_gap_ms=gap, gap_at=n)
        if gap >= 1000:
            self.gaps.append(f"{gap}@{n}")
            self.state["gaps"] = ",".join(self.gaps)
        self.last = now
        self.state["requests"] = n

    def fail(self, why):
        self.state.update(ok=0, why=why)

    def write(self):
        with open(self.path, "w") as f:
            f.write(" ".join(f"{k}={v}" for k, v in self.state.items()
                             if k != "why"))
            f.write(f" why={self.state['why']}\n")
