#!/bin/sh
# `make bench`: the cost of running Linux under solo, in Bochs
# instructions, against the same kernel and initramfs booted natively in
# the same run. Not a pass/fail test: it prints figures.
#
# Both runs use one emulated CPU and `clock: sync=none`, so a TSC tick is
# one instruction and runs are repeatable. The span measured is the same
# in both: from the start of the kernel's TSC clock (early in setup_arch,
# after decompression) to the test init's first check, by the kernel's
# own clock (the init reads its timestamp back from dmesg) converted to
# TSC ticks with the rate that kernel uses (natively told the emulator's
# true 200 MHz with tsc_early_khz). Natively the kernel
# is started by SYSLINUX from Bochs' legacy BIOS (the guest kernel has no
# EFI stub); under solo by the hypervisor through the 32-bit boot protocol.
#   bench-linux.sh BUILD_DIR
set -eu
build=$1
here=$(cd "$(dirname "$0")/../emu" && pwd)
. "$here/bochs-lib.sh"
work=$(mktemp -d "${TMPDIR:-/tmp}/solo-bench.XXXXXX")

# ticks SERIAL_FILE PREFIX [MHZ]: TSC ticks of the span, from the init's
# bench line; MHZ when the kernel did not print its TSC rate (it does not
# when given tsc_early_khz).
ticks() {
	awk -v prefix="$2" -v fallback="${3:-0}" 'index($0, prefix "solo-test: bench:") == 1 {
		m = fallback
		for (i = 1; i <= NF; i++) { if ($i == "init") s = $(i + 1); if ($i == "TSC" && $(i + 1) + 0 > 0) m = $(i + 1) }
		printf "%.0f\n", s * m * 1e6; exit }' "$1"
}

echo "bench: solo run (the test Linux VM alone, 1 CPU)"
mkdir -p "$work/solo" "$work/appliance"
"$build/solo" build "$(dirname "$0")/linux-alone.conf" -o "$work/solo/esp.img" \
	--file '\solo\test.cpio'="$build/guest/test-initramfs.cpio" >"$work/solo/build.log"
bochs_write_config "$work/solo" "$work/solo/esp.img" 1
bochs_boot "$work/solo" 900 '^solo: all partitions have ended' || true

echo "bench: solo run (the example appliance, 1 CPU, for the timeline)"
cp "$build/esp.img" "$work/appliance/esp.img"
bochs_write_config "$work/appliance" "$work/appliance/esp.img" 1
bochs_boot "$work/appliance" 900 '^solo: all partitions have ended' || true

echo "bench: native run (same kernel and initramfs, SYSLINUX from the legacy BIOS)"
mkdir -p "$work/native"
bochs_native_linux "$work/native" "$build/guest/bzImage" "$build/guest/test-initramfs.cpio"
bochs_boot "$work/native" 900 'solo-test: done|System halted' || true

solo=$(ticks "$work/solo/serial.txt" "[linux] " 200)
native=$(ticks "$work/native/serial.txt" "" 200)
exits=$(sed -n 's/^\[linux\] exits: //p' "$work/solo/serial.txt")
echo
echo "span: kernel TSC clock start (setup_arch) -> test init's first check, in Bochs instructions (1 CPU)"
printf '  native (SYSLINUX, legacy BIOS, PIT/PIC/IOAPIC): %s\n' "${native:-n/a}"
printf '  under solo (boot protocol, x2APIC, no PIT):     %s\n' "${solo:-n/a}"
if [ -n "$solo" ] && [ -n "$native" ]; then
	awk -v s="$solo" -v n="$native" 'BEGIN { printf "  ratio solo/native: %.3f (target <= 1.05)\n", s / n }'
fi
echo "solo's VM exits for the whole partition run, by reason:"
echo "  ${exits:-n/a}"
cpuid=$(sed -n 's/^\[linux\] solo-test: cpuid round trip: \([0-9]*\) TSC ticks$/\1/p' "$work/solo/serial.txt")
native_cpuid=$(sed -n 's/^solo-test: cpuid round trip: \([0-9]*\) TSC ticks$/\1/p' "$work/native/serial.txt")
echo "CPUID, guest instruction to guest instruction, in Bochs instructions:"
printf '  native: %s, under solo: %s' "${native_cpuid:-n/a}" "${cpuid:-n/a}"
if [ -n "$cpuid" ] && [ -n "$native_cpuid" ]; then
	printf ' (solo spends %s per exit; target <= 300)' "$((cpuid - native_cpuid))"
fi
echo
echo "solo's own memory per partition (besides guest RAM; target <= 64 KiB):"
sed -n 's/^\[\([a-z-]*\)\] solo.s memory for it: \([0-9]*\) KiB.*/  \1: \2 KiB/p' "$work/appliance/serial.txt" | sort -u
mkdir -p "$build/bench"
python3 "$(dirname "$0")/timeline.py" "$work/appliance/serial.txt" "$build/bench/boot-timeline.svg"
echo "(serial logs: $work/solo/serial.txt, $work/native/serial.txt, $work/appliance/serial.txt)"
