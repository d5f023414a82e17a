#!/bin/sh
# Scenario: a machine without usable VT-x. QEMU's TCG emulates no VMX, so
# the boot stage must refuse with one clear line and hand control back to
# the firmware, freeing what it allocated. Two boots: QEMU's default CPU
# (vendor AuthenticAMD under TCG) and an Intel model (Skylake-Client,
# which under TCG reports GenuineIntel without VMX). About 8 s each.
#   scenario-qemu-no-vtx.sh BUILD_DIR WORK_DIR
set -u
build=$1 work=$2
here=$(cd "$(dirname "$0")" && pwd)
. "$here/check-lib.sh"
. "$here/qemu-lib.sh"
mkdir -p "$work"

"$here/make-esp.sh" "$work/esp.img" "$build/boot/BOOTX64.EFI" "$build/hypervisor/solo.elf" \
	"$here/selftest.conf" || exit 1
esp_add_startup_probe "$work/esp.img"

# refused_boot NAME ERROR_LINE [QEMU ARGS...]: one boot and its checks.
# serial.txt ends up as the first boot with a failed check, or the last.
refused_boot() {
	name=$1 error_line=$2
	shift 2
	before=$checks_failed
	check "$name: boot reaches the UEFI shell's probe" \
		qemu_boot "$work/esp.img" "$work/serial-$name.log" '^solo-test: end of probe$' 90 "$@"
	clean_log "$work/serial-$name.log" >"$work/serial-$name.txt"
	expect_refused_boot "$name" "$work/serial-$name.txt" "$error_line" Unsupported
	if [ "$before" -eq 0 ]; then
		cp "$work/serial-$name.log" "$work/serial.log"
		cp "$work/serial-$name.txt" "$work/serial.txt"
	fi
}

refused_boot amd \
	'solo-boot: error: cannot start: no usable VT-x: not an Intel CPU (vendor AuthenticAMD)'
refused_boot intel-no-vmx \
	'solo-boot: error: cannot start: no usable VT-x: VMX absent' -cpu Skylake-Client
checks_done
