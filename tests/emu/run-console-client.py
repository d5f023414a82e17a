#!/usr/bin/env python3
"""The user of scenario-bochs-run-console.sh: runs `tests/emu/run.sh
IMAGE` (what `make run` runs) on a pseudo-terminal, as a user's shell
would, waits for solo's console, types `list` and Enter key by key,
waits for the answer, then presses Ctrl-] and waits for run.sh to stop
Bochs and end. Everything the terminal showed goes to TRANSCRIPT. Exits
non-zero on a timeout or when run.sh fails.

    run-console-client.py RUN_SH IMAGE TRANSCRIPT TIMEOUT_SECONDS
"""
import os
import pty
import re
import select
import sys
import time

run_sh, image, transcript_path, timeout = sys.argv[1], sys.argv[2], sys.argv[3], float(sys.argv[4])
deadline = time.monotonic() + timeout

pid, fd = pty.fork()
if pid == 0:
    os.execvp("sh", ["sh", run_sh, image])

seen = bytearray()
transcript = open(transcript_path, "wb")


def pump(wait):
    ready, _, _ = select.select([fd], [], [], wait)
    if not ready:
        return True
    try:
        data = os.read(fd, 4096)
    except OSError:
        return False  # the terminal's other side has closed: run.sh ended
    if not data:
        return False
    seen.extend(data)
    transcript.write(data)
    transcript.flush()
    return True


def wait_for(regex, after=0):
    pattern = re.compile(regex.encode(), re.M)
    while time.monotonic() < deadline:
        text = bytes(seen).replace(b"\r", b"")
        m = pattern.search(text, after)
        if m:
            return m.end()
        if not pump(0.2):
            break
    sys.exit("run-console: no %r in what the terminal showed" % regex)


def type_keys(keys):
    for key in keys:
        os.write(fd, key.encode("latin-1"))
        pump(0.05)


# Whole lines (ending in a line break), not a line still arriving.
at = wait_for(r"^solo: console ready \(type help\)\n")
type_keys("list\r")
at = wait_for(r"^solo: NAME +STATE .* UPTIME ms +ADDRESSES\n", at)
wait_for(r"^solo: counter +.*\n", at)
type_keys("\x1d")  # Ctrl-]
wait_for(r"^run: console left\n")
wait_for(r"^run: Bochs stopped; serial log: ")
while pump(0.2) and time.monotonic() < deadline:
    pass
_, status = os.waitpid(pid, 0)
if os.waitstatus_to_exitcode(status) != 0:
    sys.exit("run-console: run.sh ended with %d" % os.waitstatus_to_exitcode(status))
