#!/bin/sh
# Context integrity under time sharing, in Bochs with one CPU
# (ctxcheck-appliance.conf): four freestanding context-check guests and a
# two-process Linux container share the CPU in 500 us slices. Each fills
# every register it can reach with values carrying its own tag and checks
# them back after being preempted, thousands of times in all; the
# freestanding ones also check that their first entry finds nothing of the
# partitions that ran before them. Any value out of place is a line naming
# the register and the partition it came from, and fails the check.
#   scenario-bochs-ctxcheck.sh BUILD_DIR WORK_DIR
set -u
build=$1 work=$2
here=$(cd "$(dirname "$0")" && pwd)
. "$here/bochs-lib.sh"
. "$here/check-lib.sh"
. "$here/ctxcheck-lib.sh"

bochs_run_appliance "$build" "$work" "$here/ctxcheck-appliance.conf" 1 \
	--file '\solo\ctxcheck.bin'="$build/guest/ctxcheck.bin"
s="$work/serial.txt"

expect "the appliance's time slice is used" "$s" '^solo: time slices of 500 us$'
for t in 1 2 3 4; do
	ctxcheck_expect_guest "$s" "ctx$t" "$t" 2500 300
done
ctxcheck_expect_container "$s" linux 5 400 2
ctxcheck_expect_switches "$s" 2000 ctx1 ctx2 ctx3 ctx4 linux
expect_not "no value out of place, no crash, no hypervisor exception" "$s" \
	'MISMATCH|LEAK|NOT clean|unexpected exception|crashed|exception'
checks_done
