#!/usr/bin/env python3
"""Operator side of scenario-bochs-lifecycle.sh: stops each partition of
lifecycle-appliance.conf in turn (one that shuts down when asked, one
that ignores SIGTERM, one that never listens), starts the clock
container again to read the RTC a second time, kills one, and shuts the
machine down. Exits non-zero on a timeout; the scenario judges the
contents.

    lifecycle-client.py PORT OUTPUT_FILE TIMEOUT_SECONDS
"""
import sys
import time

from console_session import ConsoleSession

c = ConsoleSession(int(sys.argv[1]), sys.argv[2], float(sys.argv[3]))


def after(regex, at=0):
    return c.wait_for(regex, at).end()


def command(line, until):
    at = c.mark()
    c.type_line(line)
    return after(until, at)


after(r"^solo: console ready \(type help\)$")
for ready in ["polite: ready", "stubborn: ready", r"clock: \d+"]:
    after(r"^\[\w+\] " + ready + "$")
after(r"^\[clock\] stopped: exited with status 0$")
command("help", r"^solo: help ")
command("stop polite", r"^solo: \[polite\] shut down when asked, in \d+ ms$")
command("stop stubborn", r"^solo: \[stubborn\] did not shut down within its stop_timeout")
command("stop spinner", r"^\[spinner\] stopped: by the console, by force")
command("start clock", r"^\[clock\] stopped: exited with status 0$")
command("start stubborn", r"^\[stubborn\] stubborn: ready$")
command("kill stubborn", r"^\[stubborn\] stopped: killed by the console$")
command("start polite", r"^\[polite\] polite: ready$")
command("start spinner", r"^solo: \[spinner\] start requested$")
command("list", r"^solo: spinner ")
command("shutdown", r"^solo: shutdown: \d+ partitions? stopped .*; halting$")
# Typed after the halt: nothing answers it any more.
c.type_line("list")
time.sleep(3)
c.close()
