#!/bin/sh
# Scenario: a damaged \solo\hypervisor.elf on the ESP. The boot stage must
# name the file and the defect in one line, load nothing, free what it
# allocated and return to the firmware. Two boots: the image cut right
# after its program header table (the segments' data is missing), and the
# image with a bad ELF magic. About 8 s each.
#   scenario-qemu-corrupt-hypervisor.sh BUILD_DIR WORK_DIR
set -u
build=$1 work=$2
here=$(cd "$(dirname "$0")" && pwd)
. "$here/check-lib.sh"
. "$here/qemu-lib.sh"
mkdir -p "$work"
elf="$build/hypervisor/solo.elf"

# ELF64 header: e_phoff is 8 bytes at offset 32, e_phnum 2 bytes at 56;
# a program header is 56 bytes.
phoff=$(od -An -t u8 -j 32 -N 8 "$elf" | tr -d ' ')
phnum=$(od -An -t u2 -j 56 -N 2 "$elf" | tr -d ' ')
cut_at=$((phoff + phnum * 56))
head -c "$cut_at" "$elf" >"$work/truncated.elf"
{
	printf 'XELF'
	tail -c +5 "$elf"
} >"$work/bad-magic.elf"

# refused_boot NAME IMAGE ERROR_LINE: one boot and its checks. serial.txt
# ends up as the first boot with a failed check, or the last.
refused_boot() {
	name=$1 image=$2 error_line=$3
	before=$checks_failed
	"$here/make-esp.sh" "$work/esp.img" "$build/boot/BOOTX64.EFI" "$image" \
		"$here/selftest.conf" || exit 1
	esp_add_startup_probe "$work/esp.img"
	check "$name: boot reaches the UEFI shell's probe" \
		qemu_boot "$work/esp.img" "$work/serial-$name.log" '^solo-test: end of probe$' 90
	clean_log "$work/serial-$name.log" >"$work/serial-$name.txt"
	expect_refused_boot "$name" "$work/serial-$name.txt" "$error_line" 'Load Error'
	if [ "$before" -eq 0 ]; then
		cp "$work/serial-$name.log" "$work/serial.log"
		cp "$work/serial-$name.txt" "$work/serial.txt"
	fi
}

refused_boot truncated "$work/truncated.elf" \
	'solo-boot: error: \solo\hypervisor.elf: segment data beyond the end of the file'
refused_boot bad-magic "$work/bad-magic.elf" \
	'solo-boot: error: \solo\hypervisor.elf: not an ELF64 file (bad magic)'
checks_done
