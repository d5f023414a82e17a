#!/usr/bin/env python3
"""Operator side of scenario-bochs-console.sh: types a scripted session
on the console (console_session.py), each command once the output it
depends on is there. Exits non-zero on a timeout; the scenario's checks
judge the contents.

    console-client.py PORT OUTPUT_FILE TIMEOUT_SECONDS
"""
import re
import sys

from console_session import ConsoleSession

RESTARTS = 20  # scenario-bochs-console.sh counts on this many

c = ConsoleSession(int(sys.argv[1]), sys.argv[2], float(sys.argv[3]))


def after(regex, at=0):
    return c.wait_for(regex, at).end()


after(r"^solo: console ready \(type help\)$")
after(r"^\[hello\] stopped: exited with status 0$")
after(r"^\[ticker\] tick$")
for command in ["help", "list", "stats", "log hello", "attest hello", "frobnicate", "stop",
                "log nobody"]:
    at = c.mark()
    c.type_line(command)
    after(r"^solo> " + re.escape(command) + r"$", at)
# Restarts in a row, each typed once the previous run is starting, so
# most runs are stopped in the middle of their start; the first restart
# (the second start, which makes the ticker's template at its clone
# point) and the last one are left to run to their tick.
for i in range(RESTARTS):
    at = c.mark()
    c.type_line("restart ticker")
    at = after(r"^\[ticker\] stopped: by the console$", at)
    at = after(r"^solo: \[ticker\] starting on cpu", at)
    if i == 0:
        at = after(r"^\[ticker\] tick$", at)
after(r"^\[ticker\] tick$", at)
at = c.mark()
c.type_line("list")
after(r"^solo: ticker ", at)
at = c.mark()
c.type_line("stop ticker")
at = after(r"^solo: all partitions have ended; free pages", at)
# Every page back after all those runs, as the operator sees it.
c.type_line("stats")
at = after(r"^solo: exits, all partitions", at)
# A start once everything has ended: the idle template was kept.
c.type_line("start ticker")
at = after(r"^\[ticker\] tick$", at)
c.type_line("stop ticker")
after(r"^solo: all partitions have ended; free pages", at)
c.close()
