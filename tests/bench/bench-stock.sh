#!/bin/sh
# `make bench`: Debian's cloud kernel (a stock distribution kernel, ACPI
# only) under solo against the same kernel and initramfs booted natively
# in Bochs, in the same run; and the cost of a graceful stop. Figures,
# not pass/fail.
#
# Boot span, the same in both runs: from the start of the kernel's clock
# (its printk timestamps) to the stock init's first line, which reads its
# own timestamp back from dmesg; seconds times the TSC rate the kernel
# runs on (200 MHz, Bochs' instructions per second: solo's CPUID reports
# it, the native run is told with tsc_early_khz) gives instructions. One
# emulated CPU, `clock: sync=none`. Natively SYSLINUX starts the kernel
# from Bochs' legacy BIOS, whose ACPI tables the kernel reads.
#
# Graceful stop: the lifecycle scenario's `stop` of a container that traps
# SIGTERM and exits, from solo writing the request to the partition's
# end, as solo reports it in ms, times solo's measured TSC rate.
#   bench-stock.sh BUILD_DIR
set -eu
build=$1
emu=$(cd "$(dirname "$0")/../emu" && pwd)
. "$emu/bochs-lib.sh"
work=$(mktemp -d "${TMPDIR:-/tmp}/solo-bench-stock.XXXXXX")
kernel=$build/stock/vmlinuz initrd=$build/stock/stock.cpio

# instructions SERIAL_FILE PREFIX: the init's kernel timestamp x 200 MHz.
instructions() {
	sed -n "s/^$2\\[ *\\([0-9.]*\\)\\] stock-bench: init\$/\\1/p" "$1" | head -1 |
		awk '{ printf "%.0f\n", $1 * 200e6 }'
}

echo "bench: solo run (the stock kernel as a [vm], 1 CPU)"
mkdir -p "$work/solo" "$work/native" "$work/stop"
"$build/solo" build "$(dirname "$0")/stock-alone.conf" -o "$work/solo/esp.img" \
	--kernel "$kernel" --file '\solo\stock.cpio'="$initrd" >"$work/solo/build.log"
bochs_write_config "$work/solo" "$work/solo/esp.img" 1
# The init waits for a stop request under solo: its first lines are all
# the span needs.
bochs_boot "$work/solo" 900 '^\[stock\] stock: waiting for a stop request' || true

echo "bench: native run (same kernel and initramfs, SYSLINUX from the legacy BIOS)"
bochs_native_linux "$work/native" "$kernel" "$initrd"
bochs_boot "$work/native" 900 'stock: powering off|Kernel panic' || true

echo "bench: graceful stop (the lifecycle scenario, 1 CPU)"
sh "$emu/scenario-bochs-lifecycle.sh" "$build" "$work/stop" >"$work/stop/checks.txt" 2>&1 || true

solo=$(instructions "$work/solo/serial.txt" '\[stock\] ')
native=$(instructions "$work/native/serial.txt" '')
echo
echo "span: the stock kernel's clock start -> its init's first line, in Bochs instructions (1 CPU)"
printf '  native (SYSLINUX, legacy BIOS, its ACPI tables): %s\n' "${native:-n/a}"
printf '  under solo (boot protocol, solo'"'"'s ACPI tables):  %s\n' "${solo:-n/a}"
if [ -n "$solo" ] && [ -n "$native" ]; then
	awk -v s="$solo" -v n="$native" 'BEGIN { printf "  ratio solo/native: %.3f\n", s / n }'
fi
mhz=$(sed -n 's/^solo: TSC \([0-9.]*\) MHz.*/\1/p' "$work/stop/serial.txt" | head -1)
echo "graceful stop, request written -> partition ended (TSC at ${mhz:-?} MHz = instructions):"
for name in polite stubborn; do
	ms=$(sed -n "s/^solo: \\[$name\\] .* in \\([0-9]*\\) ms\$/\\1/p" "$work/stop/serial.txt" | head -1)
	if [ -n "$ms" ] && [ -n "$mhz" ]; then
		awk -v n="$name" -v ms="$ms" -v mhz="$mhz" 'BEGIN {
			what = n == "polite" ? "traps SIGTERM, exits" : "ignores SIGTERM, killed at its 1 s"
			printf "  %-8s (%s): %d ms, %.1f M instructions\n", n, what, ms, ms * mhz / 1000 }'
	else
		echo "  $name: n/a"
	fi
done
echo "(serial logs: $work/solo/serial.txt, $work/native/serial.txt, $work/stop/serial.txt)"
