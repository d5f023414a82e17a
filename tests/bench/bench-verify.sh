#!/bin/sh
# `make bench`: what verified launch costs. The example appliance built
# twice in the same run, verified (a manifest, every file hashed by the
# boot stage before use) and --unverified, each booted in Bochs on one
# CPU (a TSC tick is one instruction) until the hypervisor starts: the
# span from power-on to "solo: hypervisor starting at TSC N" holds the
# firmware, the boot stage's reads and, when verified, its SHA-256 of
# every file. Figures, not pass/fail. (Measurement into a TPM adds one
# extend per file, which Bochs cannot show: it has no TPM.)
#   bench-verify.sh BUILD_DIR
set -eu
build=$1
emu=$(cd "$(dirname "$0")/../emu" && pwd)
. "$emu/bochs-lib.sh"
work=$(mktemp -d "${TMPDIR:-/tmp}/solo-bench-verify.XXXXXX")
for kind in verified unverified; do
	mkdir -p "$work/$kind"
	flag=""
	[ "$kind" = unverified ] && flag=--unverified
	# shellcheck disable=SC2086
	"$build/solo" build "$emu/example-appliance.conf" -o "$work/$kind/esp.img" $flag \
		--file '\solo\test.cpio'="$build/guest/test-initramfs.cpio" \
		--file '\solo\hostile.bin'="$build/guest/hostile.bin" >"$work/$kind/build.log"
	echo "bench: $kind boot (the example appliance, 1 CPU, to the hypervisor's start)"
	bochs_write_config "$work/$kind" "$work/$kind/esp.img" 1
	bochs_boot "$work/$kind" 900 '^solo: hypervisor starting at TSC' || true
done
tsc() { sed -n 's/^solo: hypervisor starting at TSC \([0-9]*\).*/\1/p' "$1" | head -1; }
MTOOLS_SKIP_CHECK=1 mtype -i "$work/verified/esp.img" ::/solo/manifest >"$work/manifest.txt"
bytes=$(awk '/^file / { s += $3 } END { print s }' "$work/manifest.txt")
v=$(tsc "$work/verified/serial.txt") u=$(tsc "$work/unverified/serial.txt")
echo
echo "span: power-on -> hypervisor start, in Bochs instructions (1 CPU), example appliance"
printf '  unverified: %s\n  verified:   %s\n' "${u:-n/a}" "${v:-n/a}"
if [ -n "$v" ] && [ -n "$u" ]; then
	awk -v v="$v" -v u="$u" -v b="$bytes" 'BEGIN {
		printf "  ratio verified/unverified: %.3f; verification: %.1f M instructions for %.1f MiB read (%.1f M per MiB, %.1f per byte)\n",
			v / u, (v - u) / 1e6, b / 1048576, (v - u) / (b / 1048576) / 1e6, (v - u) / b }'
fi
echo "(serial logs: $work/verified/serial.txt, $work/unverified/serial.txt)"
