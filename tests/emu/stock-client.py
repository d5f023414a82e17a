#!/usr/bin/env python3
"""Operator side of scenario-bochs-stock-kernel.sh: once the stock [vm]
waits on its control line, stops it from the console, and waits until
every partition has ended. Exits non-zero on a timeout.

    stock-client.py PORT OUTPUT_FILE TIMEOUT_SECONDS
"""
import sys

from console_session import ConsoleSession

c = ConsoleSession(int(sys.argv[1]), sys.argv[2], float(sys.argv[3]))
c.wait_for(r"^\[stock\] stock: waiting for a stop request$")
at = c.mark()
c.type_line("stop stock")
c.wait_for(r"^solo: all partitions have ended", at)
c.close()
