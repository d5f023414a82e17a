#!/usr/bin/env python3
"""The terminal side of `make run` under Bochs: connects this terminal to
the appliance's serial console, which Bochs serves on a TCP socket
(COM1 in socket-server mode), both ways. What solo prints is shown and
also written to a log file; what is typed goes to solo byte by byte, with
a local echo (solo's console does not echo keys, only whole commands).
Ctrl-] or Ctrl-C leaves; so does the end of the connection.

    console-bridge.py PORT LOG_FILE [TIMEOUT_SECONDS]

TIMEOUT_SECONDS bounds the wait for Bochs to accept the connection.
"""
import os
import select
import socket
import sys
import termios
import time
import tty

QUIT_KEYS = (0x1D, 0x03)  # Ctrl-], Ctrl-C


def connect(port, timeout):
    deadline = time.monotonic() + timeout
    while True:
        try:
            return socket.create_connection(("localhost", port), timeout=2)
        except OSError:
            if time.monotonic() > deadline:
                sys.exit("run: cannot reach the console at localhost:%d" % port)
            time.sleep(0.3)


def local_echo(byte):
    """What the terminal shows for a typed byte."""
    if byte in (0x0D, 0x0A):
        return b"\r\n"
    if byte in (0x08, 0x7F):
        return b"\b \b"
    if 0x20 <= byte < 0x7F:
        return bytes([byte])
    return b""


def bridge(sock, log):
    stdin, stdout = sys.stdin.fileno(), sys.stdout.fileno()
    while True:
        ready, _, _ = select.select([sock, stdin], [], [])
        if sock in ready:
            data = sock.recv(4096)
            if not data:
                return "the console closed"
            os.write(stdout, data)
            log.write(data)
            log.flush()
        if stdin in ready:
            data = os.read(stdin, 64)
            if not data:
                return "end of input"
            for byte in data:
                if byte in QUIT_KEYS:
                    return "left"
                sock.sendall(bytes([byte]))
                os.write(stdout, local_echo(byte))


def main():
    port, log_path = int(sys.argv[1]), sys.argv[2]
    timeout = float(sys.argv[3]) if len(sys.argv) > 3 else 60
    sock = connect(port, timeout)
    sock.settimeout(None)
    saved = termios.tcgetattr(sys.stdin.fileno())
    # Keys one at a time, unechoed, Ctrl-C as a byte; output processing
    # stays on, so solo's lines end where they should.
    tty.setcbreak(sys.stdin.fileno())
    mode = termios.tcgetattr(sys.stdin.fileno())
    mode[3] &= ~termios.ISIG
    termios.tcsetattr(sys.stdin.fileno(), termios.TCSANOW, mode)
    try:
        with open(log_path, "ab") as log:
            why = bridge(sock, log)
    finally:
        termios.tcsetattr(sys.stdin.fileno(), termios.TCSADRAIN, saved)
        sock.close()
    print("\r\nrun: console %s" % why)


if __name__ == "__main__":
    main()
