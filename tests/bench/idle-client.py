#!/usr/bin/env python3
"""Operator side of bench-idle.sh: once the `idle` container has printed
its line and gone to sleep, takes two readings of its uptime and exits a
few seconds of wall time apart (`list` and `stats`, typed at once so that
solo answers both between the same two slices) and prints the exits per
second of guest time between them, in all and by reason.

    idle-client.py PORT OUTPUT_FILE TIMEOUT_SECONDS SETTLE_SECONDS SPAN_SECONDS
"""
import os
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "emu"))
from console_session import ConsoleSession  # noqa: E402

settle, span = float(sys.argv[4]), float(sys.argv[5])
c = ConsoleSession(int(sys.argv[1]), sys.argv[2], float(sys.argv[3]))


def reading():
    """(uptime ms, exits, {reason: exits}) of the idle partition."""
    at = c.mark()
    c.type_burst(["list", "stats"])
    # NAME STATE CPU VCPUS RAM EXITS RESTARTS UPTIME
    row = c.wait_for(r"^solo: idle +\S+ +\S+ +\d+ +\d+ +(\d+) +\d+ +(\d+)$", at)
    total = c.wait_for(r"^solo: exits, all partitions \(current or last run\): \d+: (.*)$", at)
    reasons = dict((r, int(n)) for r, n in (w.split("=") for w in total.group(1).split()))
    return int(row.group(2)), int(row.group(1)), reasons


c.wait_for(r"^\[idle\] idle$")
time.sleep(settle)
up0, exits0, by0 = reading()
time.sleep(span)
up1, exits1, by1 = reading()
seconds = (up1 - up0) / 1000
print("idle: %.1f s of guest time (%.1f s to %.1f s after its start), %d exits: %.1f per second"
      % (seconds, up0 / 1000, up1 / 1000, exits1 - exits0, (exits1 - exits0) / seconds))
rates = ["%s=%.1f" % (r, (by1[r] - by0.get(r, 0)) / seconds)
         for r in by1 if by1[r] != by0.get(r, 0)]
print("idle: per second by reason: " + " ".join(rates))
c.close()
