#!/usr/bin/env python3
"""Operator side of scenario-bochs-console.sh: connects to Bochs' COM1
socket, records everything solo prints into a file (CR dropped), and types
a scripted session, each command once the output it depends on is there.
Exits non-zero on a timeout; the scenario's checks judge the contents.

    console-client.py PORT OUTPUT_FILE TIMEOUT_SECONDS
"""
import re
import socket
import sys
import threading
import time

RESTARTS = 20  # scenario-bochs-console.sh counts on this many

port, out_path, timeout = int(sys.argv[1]), sys.argv[2], float(sys.argv[3])
deadline = time.monotonic() + timeout
text = []
lock = threading.Lock()


def connect():
    while time.monotonic() < deadline:
        try:
            return socket.create_connection(("localhost", port), timeout=2)
        except OSError:
            time.sleep(0.5)
    sys.exit("console-client: cannot connect to localhost:%d" % port)


sock = connect()
sock.settimeout(None)
out = open(out_path, "w")


def reader():
    while True:
        data = sock.recv(4096)
        if not data:
            return
        chunk = data.decode("latin-1").replace("\r", "")
        with lock:
            text.append(chunk)
            out.write(chunk)
            out.flush()


threading.Thread(target=reader, daemon=True).start()


def wait_for(regex, after=0):
    """Waits for a line matching regex in the output past offset `after`;
    returns the offset just past the match."""
    pattern = re.compile(regex, re.M)
    while time.monotonic() < deadline:
        with lock:
            seen = "".join(text)
        m = pattern.search(seen, after)
        if m:
            return m.end()
        time.sleep(0.2)
    sys.exit("console-client: timed out waiting for %r" % regex)


def mark():
    with lock:
        return len("".join(text))


def type_line(line):
    # Byte by byte with a pause: the UART holds 16 bytes and solo looks
    # at it once per slice.
    for b in (line + "\r").encode():
        sock.sendall(bytes([b]))
        time.sleep(0.05)


wait_for(r"^solo: console ready \(type help\)$")
wait_for(r"^\[hello\] stopped: exited with status 0$")
wait_for(r"^\[ticker\] tick$")
for command in ["help", "list", "stats", "log hello", "frobnicate", "stop", "log nobody"]:
    at = mark()
    type_line(command)
    wait_for(r"^solo> " + re.escape(command) + r"$", at)
# Restarts in a row, each typed once the previous run is starting, so
# most runs are stopped in the middle of their boot; the last one is
# left to run to its tick.
for _ in range(RESTARTS):
    at = mark()
    type_line("restart ticker")
    at = wait_for(r"^\[ticker\] stopped: by the console$", at)
    at = wait_for(r"^solo: \[ticker\] starting on cpu", at)
wait_for(r"^\[ticker\] tick$", at)
at = mark()
type_line("list")
wait_for(r"^solo: ticker ", at)
at = mark()
type_line("stop ticker")
at = wait_for(r"^solo: all partitions have ended; free pages", at)
# Every page back after all those runs, as the operator sees it.
type_line("stats")
wait_for(r"^solo: exits, all partitions", at)
time.sleep(1)
sock.close()
