#!/bin/sh
# Several partitions at once on all CPUs, in Bochs with 2 CPUs: a pinned
# container alone on the second CPU, three containers and both vCPUs of a
# 2-vCPU one time-sharing the first; each prints its output and exit
# status, and every page comes back at the end.
#   scenario-bochs-smp-containers.sh BUILD_DIR WORK_DIR
set -u
build=$1 work=$2
here=$(cd "$(dirname "$0")" && pwd)
. "$here/bochs-lib.sh"
. "$here/check-lib.sh"

bochs_run_appliance "$build" "$work" "$here/smp-appliance.conf" 2
s="$work/serial.txt"

expect "both CPUs in VMX root" "$s" '^solo: 2 of 2 CPUs in VMX root operation$'
expect "the pinned container has the second CPU" "$s" '^solo: \[pinned\] starting on cpu1: 32 MiB RAM'
for c in shared-a shared-b shared-c; do
	expect "$c time-shares the first CPU" "$s" "^solo: \\[$c\\] starting on cpu0: 32 MiB RAM"
done
expect "pinned container output" "$s" '^\[pinned\] hello from pinned: GREETING=alone, sum 1\.\.100 = 5050$'
expect "shared-a output" "$s" '^\[shared-a\] hello from shared-a: GREETING=sharing, sum 1\.\.100 = 5050$'
expect "shared-b output" "$s" '^\[shared-b\] hello from shared-b: GREETING=sharing, sum 1\.\.100 = 5050$'
expect "shared-c output" "$s" '^\[shared-c\] counter: up [0-9.]+ s, exiting with status 3$'
for c in pinned shared-a shared-b; do
	expect "$c exit status" "$s" "^\\[$c\\] stopped: exited with status 0\$"
done
expect "shared-c exit status" "$s" '^\[shared-c\] stopped: exited with status 3$'
expect "a container larger than the machine is refused alone" "$s" '^solo: \[too-big\] not started: not enough free memory for 65536 MiB of RAM$'
expect "the 2-vCPU container starts on the shared CPU" "$s" '^solo: \[duo\] starting on cpu0: 32 MiB RAM, 2 vCPUs, entry '
expect "its second vCPU is started by its first, on the same CPU" "$s" '^solo: \[duo\] vCPU 1 started on cpu0 at 0x[0-9a-f]+000$'
expect "the guest sees both vCPUs" "$s" '^\[duo\] cpus: online 0-1, 2 usable$'
expect "a worker ran on vCPU 0" "$s" '^\[duo\] cpus: worker for cpu0 ran on cpu0$'
expect "a worker ran on vCPU 1" "$s" '^\[duo\] cpus: worker for cpu1 ran on cpu1$'
expect "the 2-vCPU container exits 0" "$s" '^\[duo\] stopped: exited with status 0$'
expect "a pinned 2-vCPU container with one CPU left is refused alone" "$s" '^solo: \[pinned-pair\] not started: no CPU left to pin it$'
expect "a container with too many vCPUs is refused alone" "$s" '^solo: \[too-many-vcpus\] not started: 9 vCPUs asked, at most 8 per partition$'
expect "all memory returned" "$s" '^solo: all partitions have ended; free pages: ([0-9]+) \(\1 before\)$'
expect_not "no crash, no hypervisor exception" "$s" 'crashed|exception'
checks_done
