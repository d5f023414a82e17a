#!/bin/sh
# Instant start (docs/templates.md), in Bochs with 1 CPU: replicas start
# as clones of their template and each is its own (hostname, random
# numbers); a clone prints what the same container booted in full
# prints; a clone that writes most of its memory gets private copies, is
# restarted five times (each a clone) and every page comes back.
#   scenario-bochs-templates.sh BUILD_DIR WORK_DIR
set -u
build=$1 work=$2
here=$(cd "$(dirname "$0")" && pwd)
. "$here/bochs-lib.sh"
. "$here/check-lib.sh"

bochs_run_appliance "$build" "$work" "$here/templates-appliance.conf" 1
s="$work/serial.txt"

expect "the first replica boots in full" "$s" '^solo: \[twin-1\] starting on cpu0: 32 MiB RAM, 1 vCPU, entry 0x'
expect "its template is made at the clone point" "$s" '^solo: \[twin-1\] template made at its clone point: 32 MiB shared by its clones$'
for r in 2 3; do
	expect "twin-$r starts as a clone" "$s" "^solo: \\[twin-$r\\] starting on cpu0: 32 MiB RAM, 1 vCPU, a clone of its template\$"
	expect "twin-$r reports a clone's start" "$s" "^solo: \\[twin-$r\\] start: a clone of its template, [0-9]+ TSC ticks from its start to its first line\$"
done
expect_order "clones wait for the template" "$s" '^solo: \[twin-1\] template made' '^solo: \[twin-2\] starting'
for r in 1 2 3; do
	expect "twin-$r prints its own hostname and random numbers" "$s" "^\\[twin-$r\\] twin:twin-$r: [0-9a-f]{16}\$"
	expect "twin-$r exits 0" "$s" "^\\[twin-$r\\] stopped: exited with status 0\$"
done
randoms=$(sed -n 's/^\[twin-[123]\] twin:twin-[123]: //p' "$s" | sort -u | wc -l)
[ "$randoms" -eq 3 ]
verdict "three clones of one template draw three different random numbers" $? "$randoms distinct"

# A clone's output is the full boot's, names apart (solo's report on
# each partition left out).
output() {
	sed -n "s/^\[$1\] //p" "$s" | grep -Ev "^(stopped|exits|ran|RAM|solo's share|solo's memory)[: ]" |
		sed "s/$1/NAME/g"
}
clone=$(output same-2)
booted=$(output same-boot)
expect "same-2 is a clone" "$s" '^solo: \[same-2\] start: a clone of its template'
expect "same-boot boots in full" "$s" '^solo: \[same-boot\] start: a full boot, [0-9]+ TSC'
expect "the clone's output" "$s" '^\[same-2\] hello from same-2: GREETING=image-default, sum 1\.\.100 = 5050$'
[ -n "$clone" ] && [ "$clone" = "$booted" ]
verdict "a clone prints exactly what a full boot of the same container prints" $? \
	"clone: '$clone', booted: '$booted'"

expect_count "hog ran six times" "$s" 6 '^\[hog\] hog: filled 12 /tmp/fill$'
expect_count "hog's five restarts are clones" "$s" 5 '^solo: \[hog\] start: a clone of its template'
expect_count "each run of hog owns the 12 MiB it wrote as private copies" "$s" 6 '^\[hog\] RAM: (3[0-9]{3}|[4-7][0-9]{3}) private pages \(copied on write\), [0-9]+ shared with its template$'
expect "hog is not restarted after its fifth restart" "$s" '^solo: \[hog\] not restarted \(restart policy on-failure:5, 5 restarts so far\)$'
expect "every page back, templates' and clones' too" "$s" '^solo: all partitions have ended; free pages: ([0-9]+) \(\1 before\)$'
expect_not "no crash, no hypervisor exception" "$s" 'crashed|exception'
checks_done
