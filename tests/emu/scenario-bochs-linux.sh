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
# before its on-failure:2 policy gives up. Three hostile partitions
# (guest-kernel/hostile/) attack the isolation in between and must end
# only themselves, each as its final act asks.
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
expect "the 2-vCPU container starts its second vCPU" "$s" '^solo: \[cpus\] vCPU 1 started on cpu0 at 0x[0-9a-f]+000$'
expect "the 2-vCPU container's guest sees both" "$s" '^\[cpus\] cpus: online 0-1, 2 usable$'
expect "its worker for vCPU 1 ran there" "$s" '^\[cpus\] cpus: worker for cpu1 ran on cpu1$'
expect "the 2-vCPU container exits 0" "$s" '^\[cpus\] stopped: exited with status 0$'
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

# The hostile partitions. What isolation requires, from solo's code:
# - IN answers (reads other than 0xff) only on COM1's eight registers, the
#   RTC data port 0x71 and ACPI's sleep status register 0x601 (reads 0);
#   the RTC index port 0x70 is write-only and reads 0xff
#   (devices/rtc_cmos.c), and the PCI data window reads 0xff with no
#   address selected, so 10 ports. OUT to every port but COM1 and
#   the two reset ports (0x64, 0xcf9) is dropped without a fault: 65526.
# - RDMSR works for the MSRs guest_msr.c emulates in 0x0-0x1fff (TSC,
#   PLATFORM_ID, APIC_BASE, FEATURE_CONTROL, BIOS_SIGN_ID, MISC_ENABLE, PAT,
#   TSC_DEADLINE; the x2APIC range only in x2APIC mode, which the sweep
#   precedes) plus the SYSENTER trio passed through: 11; in
#   0xc0000000-0xc0001fff EFER and the 7 passed-through syscall and
#   segment-base MSRs: 8. Every other one is #GP.
# - Garbage hypercall numbers get -38, exit with a status over 255 or a
#   signal over 64 gets -22 (docs/hypercalls.md), 1000 random numbers too.
# - CR0 PG without PE, CR0 NW without CD, CR4.VMXE, XCR0 = 0, AVX without
#   SSE, XCR1 and an unsupported XCR0 bit: 7 writes, 7 #GPs.
# - INIT, SIPI, NMI and fixed IPIs to APIC IDs 1-7 and broadcasts, through
#   the xAPIC page (29) and the x2APIC ICR (30), are dropped without a
#   fault, and none lands in the sender's own IRR. All 59 reach nobody but
#   one: the x2APIC broadcast SIPI reaches the sender itself, which runs
#   and so ignores it.
# What the hostile guests should read as their kernel's measurement: the
# low 32 bits of each 8-byte, big-endian part of hostile.bin's SHA-256.
digest=$(sha256sum "$build/guest/hostile.bin" | cut -c1-64)
hostile_words=$(for i in 9 25 41 57; do printf '0x%x ' "0x$(echo "$digest" | cut -c$i-$((i + 7)))"; done)
hostile_words=${hostile_words% }
for vm in hostile-mem hostile-triple hostile-calls; do
	p="^\[$vm\] hostile:"
	expect "$vm: starts with its command line" "$s" "$p started, boot_params at 0x7000, cmdline \"hostile="
	# 18: the RTC data port, the control line's 8 and COM1's 8, and
	# ACPI's sleep status (the guest lists the first 12).
	expect "$vm: only COM1, the control line, the RTC data port and ACPI's sleep status answer IN" "$s" "$p ports answering: 18 \(0071 02f8 02f9 02fa 02fb 02fc 02fd 02fe 02ff 03f8 03f9 03fa\)$"
	expect "$vm: OUT to every other port is dropped" "$s" "$p ports written: 65526, faults: 0$"
	expect "$vm: 11 MSRs readable in 0x0-0x1fff, the rest #GP" "$s" "$p msrs readable: 11, #GP: 8181 \(range 0x0\)$"
	expect "$vm: exactly the emulated and passed-through low MSRs" "$s" "$p rdmsr 0x0-0x1fff: readable 0x10 0x17 0x1b 0x3a 0x8b 0x174 0x175 0x176 0x1a0 0x277 0x6e0$"
	expect "$vm: 8 MSRs readable in 0xc0000000-0xc0001fff, the rest #GP" "$s" "$p msrs readable: 8, #GP: 8184 \(range 0xc0000000\)$"
	expect "$vm: garbage hypercalls get error codes" "$s" "$p hypercalls answered wrongly: 0$"
	expect "$vm: its kernel's measurement is its file's SHA-256 (the low words a 32-bit guest sees)" \
		"$s" "$p measurement kernel -> 0, low words $hostile_words\$"
	expect "$vm: invalid CR0/CR4/XCR0 writes all #GP" "$s" "$p bad control writes refused: 7 of 7$"
	expect "$vm: xAPIC IPIs to foreign APIC IDs dropped" "$s" "$p xapic ipis sent: 29, faults: 0$"
	expect "$vm: x2APIC IPIs to foreign APIC IDs dropped" "$s" "$p x2apic ipis sent: 30, faults: 0$"
	expect "$vm: no IPI came back to the sender" "$s" "$p own irr clean$"
	expect "$vm: only the expected faults" "$s" "$p faults taken: #GP 16372, #UD 0, #PF 0$"
	expect "$vm: reaches its final act" "$s" "$p done with the sweeps, now: "
done
expect_not "no hostile check observed a wrong answer" "$s" '^\[hostile-[a-z]+\] hostile: .*(WRONG|unexpected fault)'
expect "memory outside its RAM ends hostile-mem" "$s" '^\[hostile-mem\] crashed: EPT violation: read of guest-physical 0x40000000 outside its memory at RIP 0x[0-9a-f]+$'
expect "a triple fault ends hostile-triple" "$s" '^\[hostile-triple\] crashed: triple fault at RIP 0x[0-9a-f]+$'
expect "random hypercalls get -38" "$s" '^\[hostile-calls\] hostile: random hypercalls: 1000, answered wrongly: 0$'
expect "hostile-calls powers off cleanly" "$s" '^\[hostile-calls\] stopped: power-off$'
expect_not "hostile-calls does not crash" "$s" '^\[hostile-calls\] crashed'
expect_order "containers run complete after the hostile partitions" "$s" '^\[hostile-calls\] stopped' '^\[counter\] stopped: exited with status 3$'
expect_not "no container crashed" "$s" '^\[(hello|counter)\] crashed'
expect_not "no hypervisor exception, no other crash" "$s" 'exception|^\[linux\] crashed'
for h in hostile-mem hostile-triple hostile-calls; do
	expect "$h's refused MSRs and dropped IPIs are counted in its summary" "$s" "^\\[$h\\] ran [0-9]+ ms, .* 16365 MSR accesses refused, 58 IPIs dropped \\(to no vCPU of its own, or NMI/SMI/ExtINT\\)\$"
done
checks_done
