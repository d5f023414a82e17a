#!/bin/sh
# An SMP Linux guest in Bochs with 2 CPUs: a container with 2 vCPUs gets
# one on each CPU; its first vCPU starts the second with INIT and SIPI,
# the guest sees both, runs a worker pinned to each at the same time
# (IPIs go between the two CPUs), exits 0, and every page comes back. A
# one-vCPU container shares the first CPU meanwhile, and a 2-vCPU one
# placed the other way round fails, is taken down from both CPUs and
# restarted once, its second vCPU started afresh each time.
#   scenario-bochs-smp-guest.sh BUILD_DIR WORK_DIR
set -u
build=$1 work=$2
here=$(cd "$(dirname "$0")" && pwd)
. "$here/bochs-lib.sh"
. "$here/check-lib.sh"

bochs_run_appliance "$build" "$work" "$here/smp-guest-appliance.conf" 2
s="$work/serial.txt"

expect "both CPUs in VMX root" "$s" '^solo: 2 of 2 CPUs in VMX root operation$'
expect "vCPU 0 starts on the first CPU" "$s" '^solo: \[duo\] starting on cpu0: 64 MiB RAM, 2 vCPUs, entry '
expect "vCPU 1 is started by the guest on the second CPU" "$s" '^solo: \[duo\] vCPU 1 started on cpu1 at 0x[0-9a-f]+000$'
expect "the guest sees both vCPUs" "$s" '^\[duo\] cpus: online 0-1, 2 usable$'
expect "a worker ran on vCPU 0" "$s" '^\[duo\] cpus: worker for cpu0 ran on cpu0$'
expect "a worker ran on vCPU 1" "$s" '^\[duo\] cpus: worker for cpu1 ran on cpu1$'
expect_order "both workers finish before the end" "$s" '^\[duo\] cpus: worker for cpu1 ran' '^\[duo\] cpus: all workers done$'
expect "the SMP guest exits 0" "$s" '^\[duo\] stopped: exited with status 0$'
expect "none of its IPIs named nobody (all reached its own vCPUs)" "$s" '^\[duo\] ran [0-9]+ ms, .* 0 IPIs dropped \(to no vCPU of its own, or NMI/SMI/ExtINT\)$'
expect "the shared container runs beside it" "$s" '^\[hello\] hello from hello: GREETING=beside, sum 1\.\.100 = 5050$'
expect "the shared container exits 0" "$s" '^\[hello\] stopped: exited with status 0$'
expect "the failing SMP container's vCPU 0 is on the second CPU" "$s" '^solo: \[again\] starting on cpu1: 32 MiB RAM, 2 vCPUs'
expect_count "its vCPU 1 is started on the first CPU in each run" "$s" 2 '^solo: \[again\] vCPU 1 started on cpu0 at 0x[0-9a-f]+000$'
expect_count "each of its two runs exits 3" "$s" 2 '^\[again\] stopped: exited with status 3$'
expect "it is restarted once" "$s" '^solo: \[again\] restarting in 100 ms \(restart 1, policy on-failure:1\)$'
expect "then left stopped" "$s" '^solo: \[again\] not restarted \(restart policy on-failure:1, 1 restart so far\)$'
expect "all memory returned" "$s" '^solo: all partitions have ended; free pages: ([0-9]+) \(\1 before\)$'
expect_not "no crash, no hypervisor exception" "$s" 'crashed|exception'
checks_done
