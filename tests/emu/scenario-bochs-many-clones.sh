#!/bin/sh
# Room to grow (docs/templates.md), in Bochs with 1 CPU and 2048 MiB:
# 256 replicas of one container (8 GiB of guest RAM as configured) start,
# 255 of them as clones that own only the pages they wrote; all are up at
# once, and every page comes back when they end.
#   scenario-bochs-many-clones.sh BUILD_DIR WORK_DIR
set -u
build=$1 work=$2
here=$(cd "$(dirname "$0")" && pwd)
. "$here/bochs-lib.sh"
. "$here/check-lib.sh"

"$build/solo" build "$here/many-clones-appliance.conf" -o "$work/esp.img" >"$work/build.log" 2>&1 ||
	{ echo "check: FAIL solo build ($(tail -1 "$work/build.log"))"; exit 1; }
bochs_write_config "$work" "$work/esp.img" 1 file 2048
bochs_boot "$work" 1200 '^solo: all partitions have ended|^solo: stopped|exception'
s="$work/serial.txt"

expect "one container, 256 partitions" "$s" '^solo: appliance .many.: 1 container$'
expect_count "255 replicas start as clones" "$s" 255 '^solo: \[idle-[0-9]+\] starting on cpu0: 32 MiB RAM, 1 vCPU, a clone of its template$'
expect_count "all 256 say they are up" "$s" 256 '^\[idle-[0-9]+\] up$'
expect_count "all 256 exit 0" "$s" 256 '^\[idle-[0-9]+\] stopped: exited with status 0$'
# All up at once: the last one was up before the first one ended.
last_up=$(grep -n '^\[idle-[0-9]*\] up$' "$s" | tail -1 | cut -d: -f1)
first_end=$(grep -n '^\[idle-[0-9]*\] stopped:' "$s" | head -1 | cut -d: -f1)
[ -n "$last_up" ] && [ -n "$first_end" ] && [ "$last_up" -lt "$first_end" ]
verdict "all 256 were up at the same time" $? "last up at line ${last_up:-?}, first end at ${first_end:-?}"

# A clone owns what it wrote, far less than its 32 MiB (8192 pages).
most=$(sed -n 's/^\[idle-[0-9]*\] RAM: \([0-9]*\) private pages.*/\1/p' "$s" | sort -n | tail -1)
[ -n "$most" ] && [ "$most" -lt 2048 ]
verdict "every clone owns fewer than 2048 private pages" $? "at most ${most:-none reported}"

# The scheduler looks at what changed, not at all 256 entries a step (a
# count, not a time: docs/architecture.md, Scheduling).
looks=$(sed -n 's/^solo: cpu0 scheduler: .* 256 entries queued, \([0-9]*\)\.[0-9] looked at a step$/\1/p' "$s")
[ -n "$looks" ] && [ "$looks" -lt 16 ]
verdict "256 entries queued, fewer than 16 looked at a step" $? "${looks:-no scheduler line}"

expect "every page back" "$s" '^solo: all partitions have ended; free pages: ([0-9]+) \(\1 before\)$'
expect_not "no crash, no hypervisor exception" "$s" 'crashed|exception|out of memory'
checks_done
