#!/bin/sh
# `make run` under Bochs, as a user at a terminal has it: run.sh on a
# pseudo-terminal (run-console-client.py) boots the example appliance
# with the terminal as its serial console; the client types `list` and
# Enter key by key, sees the answer, and leaves with Ctrl-]; run.sh then
# stops Bochs and ends cleanly.
#   scenario-bochs-run-console.sh BUILD_DIR WORK_DIR
set -u
build=$1 work=$2
here=$(cd "$(dirname "$0")" && pwd)
. "$here/check-lib.sh"

t="$work/terminal.txt"
client=0
TMPDIR=$work timeout 900 python3 -B "$here/run-console-client.py" "$here/run.sh" \
	"$build/esp.img" "$t" 800 >"$work/client.log" 2>&1 || client=$?
tr -d '\r' <"$t" >"$work/serial.txt"
s="$work/serial.txt"

[ "$client" -eq 0 ] && echo "check: PASS the user's session ran to its end" ||
	{ echo "check: FAIL the user's session: $(tail -1 "$work/client.log")"; checks_failed=1; }
expect "run.sh offers the terminal as the console" "$s" \
	'^run: this terminal is the serial console \(type help; Ctrl-\] or Ctrl-C leaves\)$'
expect_order "solo takes the typed command" "$s" '^solo> list$' \
	'^solo: NAME +STATE +CPU +VCPUS +RAM MiB +EXITS +RESTARTS +UPTIME ms +ADDRESSES$'
expect_order "a row for each partition" "$s" '^solo: NAME ' '^solo: hello +'
expect_order "the last partition's row too" "$s" '^solo: NAME ' '^solo: counter +'
expect "Ctrl-] leaves" "$s" '^run: console left$'
expect "run.sh stops Bochs" "$s" '^run: Bochs stopped; serial log: '
# Bochs runs in run.sh's work folder: none may be left there.
left=""
for dir in "$work"/solo-run.*; do
	for pid in $(pgrep -x bochs); do
		[ "$(readlink "/proc/$pid/cwd")" = "$dir" ] && left="$left $pid"
	done
done
if [ -z "$left" ] && ls -d "$work"/solo-run.* >/dev/null 2>&1; then
	echo "check: PASS no Bochs is left running"
else
	echo "check: FAIL no Bochs is left running (${left:-no run folder})"
	checks_failed=1
fi
checks_done
