#!/bin/sh
# Context integrity on two CPUs, in Bochs (ctxcheck-smp-appliance.conf):
# the same checks as scenario-bochs-ctxcheck.sh with partitions
# time-sharing both CPUs at once, and a 2-vCPU Linux container whose
# three checking processes move between its vCPUs.
#   scenario-bochs-ctxcheck-smp.sh BUILD_DIR WORK_DIR
set -u
build=$1 work=$2
here=$(cd "$(dirname "$0")" && pwd)
. "$here/bochs-lib.sh"
. "$here/check-lib.sh"
. "$here/ctxcheck-lib.sh"

bochs_run_appliance "$build" "$work" "$here/ctxcheck-smp-appliance.conf" 2 \
	--file '\solo\ctxcheck.bin'="$build/guest/ctxcheck.bin"
s="$work/serial.txt"

expect "both CPUs in VMX root" "$s" '^solo: 2 of 2 CPUs in VMX root operation$'
expect "guests time-share the first CPU" "$s" '^solo: \[ctx[1-4]\] starting on cpu0: '
expect "guests time-share the second CPU" "$s" '^solo: \[ctx[1-4]\] starting on cpu1: '
expect "the container's second vCPU runs on the other CPU" "$s" '^solo: \[linux\] vCPU 1 started on cpu'
for t in 1 2 3 4; do
	ctxcheck_expect_guest "$s" "ctx$t" "$t" 1500 150
done
ctxcheck_expect_container "$s" linux 6 300 3
ctxcheck_expect_switches "$s" 1500 ctx1 ctx2 ctx3 ctx4 linux
expect_not "no value out of place, no crash, no hypervisor exception" "$s" \
	'MISMATCH|LEAK|NOT clean|unexpected exception|crashed|exception'
checks_done
