"""The operator's side of solo's management console over Bochs' COM1
socket (`bochs_write_config ... socket:PORT`), shared by the console
scenario's client and the benchmark's: connects, records everything solo
prints into a file (CR dropped), and types commands once the output they
depend on is there. A wait past the deadline exits the program non-zero.
"""
import re
import socket
import sys
import threading
import time


class ConsoleSession:
    def __init__(self, port, out_path, timeout):
        self.deadline = time.monotonic() + timeout
        self.text = []
        self.lock = threading.Lock()
        self.sock = self._connect(port)
        self.sock.settimeout(None)
        self.out = open(out_path, "w")
        threading.Thread(target=self._reader, daemon=True).start()

    def _connect(self, port):
        while time.monotonic() < self.deadline:
            try:
                return socket.create_connection(("localhost", port), timeout=2)
            except OSError:
                time.sleep(0.5)
        sys.exit("console: cannot connect to localhost:%d" % port)

    def _reader(self):
        while True:
            data = self.sock.recv(4096)
            if not data:
                return
            chunk = data.decode("latin-1").replace("\r", "")
            with self.lock:
                self.text.append(chunk)
                self.out.write(chunk)
                self.out.flush()

    def seen(self):
        with self.lock:
            return "".join(self.text)

    def mark(self):
        return len(self.seen())

    def wait_for(self, regex, after=0):
        """Waits for a line matching regex in the output past offset
        `after`; returns the match."""
        pattern = re.compile(regex, re.M)
        while time.monotonic() < self.deadline:
            m = pattern.search(self.seen(), after)
            if m:
                return m
            time.sleep(0.2)
        sys.exit("console: timed out waiting for %r" % regex)

    def type_line(self, line):
        # Byte by byte with a pause: the UART holds 16 bytes and solo
        # looks at it once per slice.
        for b in (line + "\r").encode():
            self.sock.sendall(bytes([b]))
            time.sleep(0.05)

    def type_burst(self, lines):
        """Types short lines at once (16 bytes at most, the UART's FIFO),
        so that solo answers them all between the same two slices."""
        data = "".join(line + "\r" for line in lines).encode()
        assert len(data) <= 16, "more than the UART's FIFO holds"
        self.sock.sendall(data)

    def close(self):
        time.sleep(1)
        self.sock.close()
