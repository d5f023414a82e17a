#!/bin/sh
# A real Linux kernel in an EPT-isolated partition under solo, in Bochs:
# it boots to a busybox init that sees the hypervisor CPUID bit and no
# VMX, sleeps a second by its own clock (x2APIC TSC-deadline timer,
# delivered by solo), keeps its SSE/AVX registers across thousands of
# exits, and powers off, after which solo prints the partition's counters
# and gets all its memory back. Beside it run the example appliance's two
# containers (built by `solo build` from busybox-only images): hello
# greets with its hostname and the config's env value and exits 0;
# counter exits 3 and is restarted twice with backoff (100 ms, 200 ms)
# before its on-failure:2 policy gives up.
#   scenario-bochs-linux.sh BUILD_DIR WORK_DIR
set -u
build=$1 work=$2
here=$(dirname "$0")
. "$here/bochs-lib.sh"
. "$here/check-lib.sh"

cp "$build/esp.img" "$work/esp.img" # the example appliance
bochs_write_config "$work" "$work/esp.img" 1
bochs_boot "$work" 900 '^solo: all partitions have ended|^solo: stopped|exception'
s="$work/serial.txt"

expect "partition starts at the kernel's entry" "$s" '^solo: \[linux\] starting on cpu0: 64 MiB RAM'
expect "guest init runs" "$s" '^\[linux\] solo-test: init started$'
expect "guest sees the hypervisor flag" "$s" '^\[linux\] solo-test: cpuinfo hypervisor flag: yes$'
expect "guest sees no vmx flag" "$s" '^\[linux\] solo-test: cpuinfo vmx flag: no$'
expect "sleep 1 returns after about a second of guest time" "$s" '^\[linux\] solo-test: sleep 1: ok \(elapsed (9[0-9][0-9]|1[0-4][0-9][0-9]) ms\)$'
expect "SSE registers survive exits" "$s" '^\[linux\] solo-test: sse registers survived [0-9]+ cpuid exits: ok$'
expect "AVX registers survive exits (XSAVE sized right for the guest)" "$s" '^\[linux\] solo-test: avx registers survived [0-9]+ cpuid exits: ok$'
expect "user-mode hypercall answers" "$s" '^\[linux\] solo-test: running under solo: yes \(ABI version 1\)$'
expect "guest test run completes" "$s" '^\[linux\] solo-test: done$'
expect "partition powers off cleanly" "$s" '^\[linux\] stopped: power-off$'
expect "exit counters printed" "$s" '^\[linux\] exits: .*CPUID=[0-9]+.*MSR_WRITE=[0-9]+.*PREEMPTION_TIMER=[0-9]+'
expect "a kernel panic ends only its own partition" "$s" '^\[broken\] crashed: kernel panic: No working init found'
expect "the panicked partition's counters are printed" "$s" '^\[broken\] exits: '
expect "all partition memory returned" "$s" '^solo: all partitions have ended; free pages: ([0-9]+) \(\1 before\)$'
expect "container hello runs its image's command with the config's env" "$s" '^\[hello\] hello from hello: GREETING=from-appliance, sum 1\.\.100 = 5050$'
expect "container hello exits 0" "$s" '^\[hello\] stopped: exited with status 0$'
expect_not "a clean exit is not restarted" "$s" '^solo: \[hello\] (restarting|not restarted)'
expect "container counter runs" "$s" '^\[counter\] counter: up [0-9.]+ s, exiting with status 3$'
expect "container counter exits 3" "$s" '^\[counter\] stopped: exited with status 3$'
expect "counter restarted after 100 ms" "$s" '^solo: \[counter\] restarting in 100 ms \(restart 1, policy on-failure:2\)$'
expect "counter restarted again after 200 ms" "$s" '^solo: \[counter\] restarting in 200 ms \(restart 2, policy on-failure:2\)$'
expect_order "the second restart follows the first" "$s" 'restarting in 100 ms \(restart 1' 'restarting in 200 ms \(restart 2'
expect "counter given up after two restarts" "$s" '^solo: \[counter\] not restarted \(restart policy on-failure:2, 2 restarts so far\)$'
runs=$(grep -c '^\[counter\] stopped: exited with status 3$' "$s")
if [ "$runs" -eq 3 ]; then
	echo "check: PASS counter ran three times"
else
	echo "check: FAIL counter ran three times (ran $runs)"
	checks_failed=1
fi
expect_order "memory is counted after the last restart decision" "$s" '^solo: \[counter\] not restarted' '^solo: all partitions have ended'
expect_not "no container crashed" "$s" '^\[(hello|counter)\] crashed'
expect_not "no hypervisor exception, no other crash" "$s" 'exception|^\[linux\] crashed'
checks_done
