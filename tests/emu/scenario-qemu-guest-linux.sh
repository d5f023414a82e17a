#!/bin/sh
# Scenario: the guest side alone. Boots solo's guest kernel with the test
# initramfs directly under QEMU (TCG, no hypervisor, no firmware of ours)
# and checks every line its /init prints: file systems mounted, CPU flags
# read, a one-second sleep lasting about a second, SSE and AVX registers
# intact across thousands of CPUIDs, solo not detected so the hypercall
# tool falls back to `poweroff -f`, and the kernel halting. This proves
# the kernel configuration and the test programs independently of the
# hypervisor, so a failure of the Bochs Linux scenario points at solo.
# About 2 s.
#   scenario-qemu-guest-linux.sh BUILD_DIR WORK_DIR
set -u
build=$1 work=$2
here=$(cd "$(dirname "$0")" && pwd)
. "$here/check-lib.sh"
. "$here/qemu-lib.sh"
mkdir -p "$work"
kernel=$build/guest/bzImage
initrd=$build/guest/test-initramfs.cpio
s=$work/serial.txt

for f in "$kernel" "$initrd"; do
	if [ ! -f "$f" ]; then
		echo "check: FAIL guest image built ($f missing: make guest)"
		exit 1
	fi
done

# -cpu max: every feature TCG has, AVX included, so the ymm half of
# sse-check runs. The kernel halts after `poweroff -f` (no ACPI, so it
# cannot switch QEMU off): that line, or a panic, ends the wait.
# With `quiet` the kernel prints nothing before init (SeaBIOS writes to
# the screen, not the serial port).
init_line_first() {
	grep -v '^[[:space:]]*$' "$1" | head -1 | grep -qx 'solo-test: init started'
}

started=$(date +%s)
check "boot reaches the kernel's halt" \
	qemu_boot_kernel "$kernel" "$initrd" 'console=ttyS0,115200 quiet' \
	"$work/serial.log" 'reboot: (System halted|Power down)|Kernel panic' 60 -cpu max
clean_log "$work/serial.log" >"$s"
echo "info: $(($(date +%s) - started)) s of wall time;" \
	"$(grep -m1 '^solo-test: guest uptime' "$s" || echo 'no uptime line')"

expect "guest init runs" "$s" '^solo-test: init started$'
check "quiet boot: init's line comes first" init_line_first "$s"
expect "file systems mounted" "$s" '^solo-test: mounted /proc /sys /dev /tmp: ok$'
expect "cpuinfo hypervisor flag read" "$s" '^solo-test: cpuinfo hypervisor flag: (yes|no)$'
expect "no vmx flag under TCG" "$s" '^solo-test: cpuinfo vmx flag: no$'
expect "sleep 1 lasts about a second of guest time" "$s" \
	'^solo-test: sleep 1: ok \(elapsed [0-9]+ ms\)$'
expect "SSE registers survive CPUIDs" "$s" '^solo-test: sse registers survived [0-9]+ cpuid exits: ok$'
expect "AVX registers survive CPUIDs" "$s" '^solo-test: avx registers survived [0-9]+ cpuid exits: ok$'
expect "solo not detected outside solo" "$s" '^solo-test: running under solo: no$'
expect_order "guest test run completes" "$s" '^solo-test: init started$' '^solo-test: done$'
expect_order "hypercall tool falls back to poweroff -f" "$s" '^solo-test: done$' \
	'^solo-hypercall: not running under solo$'
expect_not "no failed check, panic or oops" "$s" \
	'CORRUPTED|WRONG|FAILED|failed|Kernel panic|Oops|BUG:|returned'
checks_done
