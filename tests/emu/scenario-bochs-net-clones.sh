#!/bin/sh
# Networked clones (docs/templates.md), in Bochs with 2 CPUs: three
# replicas of one container on an internal network, the second and
# third clones of the first's template. Each has its own MAC and
# address in its kernel and on the wire: it prints them, and a server
# (web, booted in full) answers each request with the address it came
# from. Frames cross CPUs both ways, into clones whose receive buffers
# start out as their template's pages.
# It runs on Bochs's Ice Lake model, which has the SHA extensions: the
# boot stage checks the files with them (boot/sha256_ni.S), and every
# file must match the manifest for anything to start.
#   scenario-bochs-net-clones.sh BUILD_DIR WORK_DIR
set -u
build=$1 work=$2
here=$(cd "$(dirname "$0")" && pwd)
. "$here/bochs-lib.sh"
. "$here/check-lib.sh"
BOCHS_CPU_MODEL=corei7_icelake_u

bochs_run_appliance "$build" "$work" "$here/net-clones-appliance.conf" 2
s="$work/serial.txt"

expect "the boot stage verified the files with the CPU's SHA extensions" "$s" \
	"^solo-boot: verified build [0-9]+ of appliance 'netclones': 5 files in the manifest, SHA-256 by the CPU\$"
expect "peer-1 boots in full and makes the template" "$s" \
	'^solo: \[peer-1\] template made at its clone point: 32 MiB shared by its clones$'
for r in 2 3; do
	expect "peer-$r starts as a clone" "$s" \
		"^solo: \\[peer-$r\\] starting on cpu[01]: 32 MiB RAM, 1 vCPU, a clone of its template\$"
done
for r in 1 2 3; do
	expect "peer-$r's eth0: its own address and MAC" "$s" \
		"^\\[peer-$r\\] peer: peer-$r 10\\.77\\.0\\.$r/24 02(:[0-9a-f]{2}){5}\$"
	expect "web saw peer-$r's request come from its address" "$s" \
		"^\\[peer-$r\\] peer: peer-$r web saw 10\\.77\\.0\\.$r\$"
	expect "peer-$r exits 0" "$s" "^\\[peer-$r\\] stopped: exited with status 0\$"
done
macs=$(sed -n 's/^\[peer-[123]\] peer: peer-[123] [0-9./]* //p' "$s" | sort -u | wc -l)
[ "$macs" -eq 3 ]
verdict "three clones of one template, three MACs" $? "$macs distinct"
expect "web served the three, each once" "$s" \
	'^\[web\] web: served 10\.77\.0\.1 10\.77\.0\.2 10\.77\.0\.3$'
expect "web knows each replica by its own name, at its own address" "$s" \
	'^\[web\] web: knows peer-1=10\.77\.0\.1 peer-2=10\.77\.0\.2 peer-3=10\.77\.0\.3$'
expect "web exits 0" "$s" '^\[web\] stopped: exited with status 0$'
expect "every page back" "$s" '^solo: all partitions have ended; free pages: ([0-9]+) \(\1 before\)$'
expect_not "no crash, no hypervisor exception" "$s" 'crashed|exception'
checks_done
