#!/bin/sh
# `make bench`, networking: figures, not pass/fail, all in Bochs
# instructions (1 emulated CPU; the guests' clocks run at 200 MHz, Bochs'
# instructions per second, so a second of guest time is 200 M
# instructions).
#   - TCP throughput: 16 MiB over HTTP (busybox httpd and wget) between two
#     containers across solo's switch, against the same transfer over
#     loopback inside one container, in the same run: bytes per million
#     instructions and their ratio. (httpd/wget rather than nc: busybox
#     nc does not end on its input's end, and both are plain TCP.)
#   - Round trip, in runs of their own (net-ping.conf): busybox ping's
#     average over 500 (-A: each as soon as the last reply came, so no
#     idle time between) between two containers and over loopback, in
#     instructions; and the VM exits and solo's share of one round trip:
#     the TSC ticks solo spent handling the two pinging containers' exits
#     (each partition's report), in a run of 500 pings less a run of 100,
#     over the 400 pings between, so boot and waiting cancel out.
#   - VM exits per frame: the transfer's two containers' exits (all, and
#     the MMIO ones of their interfaces) beyond `quiet`'s, over the
#     frames they sent; and solo's share of the transfer, the same way.
#   - Boot: a container alone, with one interface and without, in two
#     runs: solo's start of the partition -> its first line.
#   bench-net.sh BUILD_DIR
set -eu
build=$1
here=$(cd "$(dirname "$0")" && pwd)
emu=$(cd "$here/../emu" && pwd)
. "$emu/bochs-lib.sh"
work=$(mktemp -d "${TMPDIR:-/tmp}/solo-bench-net.XXXXXX")

run() { # run NAME CONF: one Bochs run of CONF, 1 CPU
	mkdir -p "$work/$1"
	"$build/solo" build "$2" -o "$work/$1/esp.img" >"$work/$1/build.log"
	bochs_write_config "$work/$1" "$work/$1/esp.img" 1
	bochs_boot "$work/$1" 1800 '^solo: all partitions have ended|^solo: stopped|exception' || true
}

echo "bench: networking: transfer, ping and exits (1 CPU)"
run traffic "$here/net-bench.conf"
echo "bench: networking: round trips (1 CPU), 500 pings and 100"
run ping "$here/net-ping.conf"
images=$(cd "$build/example-images" && pwd)
sed -e 's/ping -A -c 500 -q target/ping -A -c 100 -q target/' \
	-e "s#oci:../../build/example-images#oci:$images#" "$here/net-ping.conf" >"$work/net-ping-100.conf"
run ping100 "$work/net-ping-100.conf"
echo "bench: networking: boot without and with an interface"
run plain "$here/net-boot-plain.conf"
run net "$here/net-boot-net.conf"

s=$work/traffic/serial.txt
span() { # span KIND: "BYTES INSTRUCTIONS", the client's uptime x 200 MHz
	sed -n "s/^\\[client\\] bench-net: $1 \\([0-9]*\\) bytes from \\([0-9.]*\\) to \\([0-9.]*\\)\$/\\1 \\2 \\3/p" "$s" |
		awk '{ printf "%d %.0f\n", $1, ($3 - $2) * 200e6 }'
}
switch=$(span switch) loopback=$(span loopback)
echo
echo "TCP, 16 MiB over HTTP (busybox httpd -> wget), bytes per million instructions:"
if [ -n "$switch" ] && [ -n "$loopback" ]; then
	echo "$switch $loopback" | awk '{
		if ($1 != 16777216 || $3 != 16777216) printf "  (short transfer: %d and %d bytes)\n", $1, $3
		printf "  across solo'"'"'s switch (two containers): %8.0f  (%.1f M instructions)\n", $1 * 1e6 / $2, $2 / 1e6
		printf "  loopback inside one container:       %8.0f  (%.1f M instructions)\n", $3 * 1e6 / $4, $4 / 1e6
		printf "  ratio switch/loopback: %.3f\n", ($1 / $2) / ($3 / $4) }'
else
	echo "  n/a (see $s)"
fi
exits() { # exits NAME REASON: the partition's count of REASON (ALL: every exit)
	sed -n "s/^\\[$1\\] exits: //p" "$s" | head -1 | tr ' ' '\n' | awk -F= -v r="$2" '
		r == "ALL" { n += $2 } $1 == r { n = $2 } END { print n + 0 }'
}
sent() { sed -n "s/^\\[$1\\] eth0 .* sent \\([0-9]*\\) frames.*/\\1/p" "$s" | head -1; }
share() { sed -n "s/^\\[$1\\] solo's share: \\([0-9]*\\) TSC ticks.*/\\1/p" "$s" | head -1; }
frames=$(($(sent server) + $(sent client)))
echo "VM exits per frame (server and client, less what quiet took to boot), $frames frames:"
for reason in ALL EPT_VIOLATION; do
	extra=$(($(exits server $reason) + $(exits client $reason) - 2 * $(exits quiet $reason)))
	awk -v r="$reason" -v e="$extra" -v f="$frames" 'BEGIN {
		printf "  %-14s %.2f\n", (r == "ALL" ? "all exits" : "MMIO (EPT)"), (f ? e / f : 0) }'
done
ticks=$(($(share server) + $(share client) - 2 * $(share quiet)))
awk -v t="$ticks" -v f="$frames" 'BEGIN {
	printf "solo'"'"'s share of the transfer (exit handling, less quiet'"'"'s boot): %.1f M instructions, %.0f per frame\n", t / 1e6, (f ? t / f : 0) }' 
s=$work/ping/serial.txt
avg() { # avg KIND: busybox ping's average round trip, ms
	sed -n "s|^\\[pinger\\] bench-net: ping $1 round-trip min/avg/max = [0-9.]*/\\([0-9.]*\\)/.*|\\1|p" "$s"
}
echo "round trip, busybox ping -A -c 500 (each ping as soon as the last reply came; average):"
ps=$(avg switch) pl=$(avg loopback)
if [ -n "$ps" ] && [ -n "$pl" ]; then
	awk -v s="$ps" -v l="$pl" 'BEGIN {
		printf "  between two containers: %.3f ms = %.0f instructions\n", s, s * 200e3
		printf "  loopback:               %.3f ms = %.0f instructions\n", l, l * 200e3
		printf "  added by virtio-net and the switch: %.0f instructions\n", (s - l) * 200e3 }'
else
	echo "  n/a"
fi
echo "per round trip (pinger and target, 500 pings less 100):"
e500=$(($(exits pinger ALL) + $(exits target ALL))) t500=$(($(share pinger) + $(share target)))
s=$work/ping100/serial.txt
e100=$(($(exits pinger ALL) + $(exits target ALL))) t100=$(($(share pinger) + $(share target)))
awk -v e="$((e500 - e100))" -v t="$((t500 - t100))" 'BEGIN {
	printf "  VM exits: %.1f\n  solo'"'"'s share (exit handling): %.0f instructions\n", e / 400, t / 400 }' 
first() { # first RUN: the container's start -> first line, in TSC ticks
	sed -n 's/^solo: \[first\] timeline: started at TSC \([0-9]*\), first output at TSC \([0-9]*\),.*/\1 \2/p' \
		"$work/$1/serial.txt" | awk '{ print $2 - $1 }'
}
mhz=$(sed -n 's/^solo: TSC \([0-9.]*\) MHz.*/\1/p' "$work/plain/serial.txt" | head -1)
plain=$(first plain) net=$(first net)
echo "a container's boot, partition start -> first line (TSC at ${mhz:-?} MHz = instructions):"
if [ -n "$plain" ] && [ -n "$net" ]; then
	awk -v p="$plain" -v n="$net" 'BEGIN {
		printf "  without an interface: %.1f M\n  with one:             %.1f M (%+.1f M, ratio %.3f)\n",
			p / 1e6, n / 1e6, (n - p) / 1e6, n / p }'
else
	echo "  n/a"
fi
echo "(serial logs: $work/*/serial.txt)"
