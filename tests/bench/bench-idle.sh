#!/bin/sh
# `make bench`: VM exits per second of an idle partition. A container
# prints a line and sleeps, in Bochs with `clock: sync=none`;
# idle-client.py reads its uptime and exits from the management console
# twice, some seconds of wall time apart, and prints the rate per second
# of guest time (TSC time, 200 MHz), in all and by reason. Two runs: the
# container on the only CPU, which also serves the console (idle.conf),
# and pinned to the second of two CPUs (idle-pinned.conf). Not a
# pass/fail test: it prints figures.
#   bench-idle.sh BUILD_DIR
set -eu
build=$1
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../emu/bochs-lib.sh"
work=$(mktemp -d "${TMPDIR:-/tmp}/solo-bench-idle.XXXXXX")

# idle RUN CONF CPUS SPAN: boots CONF and reads the idle container SPAN
# wall seconds apart; the figures land in $work/RUN/client.log.
idle() {
	mkdir -p "$work/$1"
	"$build/solo" build "$here/$2" -o "$work/$1/esp.img" >"$work/$1/build.log"
	port=$(bochs_free_port)
	bochs_write_config "$work/$1" "$work/$1/esp.img" "$3" "socket:$port"
	bochs_session "$work/$1" "$port" "$here/idle-client.py" 600 2 "$4" || true
}

# report RUN: the figures of one run, indented.
report() {
	if grep -q '^idle: ' "$work/$1/client.log"; then
		sed -n 's/^idle: /    /p' "$work/$1/client.log"
	else
		echo "    n/a ($(tail -1 "$work/$1/client.log"))"
	fi
}

echo "bench: an idle container on the console's CPU (1 CPU)"
idle console idle.conf 1 10
# A longer span on two CPUs: Bochs runs them in turn, so wall time buys
# less guest time there.
echo "bench: an idle container pinned to a CPU of its own (2 CPUs)"
idle pinned idle-pinned.conf 2 20
echo
echo "VM exits per second of an idle partition, per second of guest time (target <= 100):"
echo "  on the CPU that also serves the console:"
report console
echo "  on a CPU of its own:"
report pinned
echo "(serial logs: $work/console/serial.txt, $work/pinned/serial.txt)"
