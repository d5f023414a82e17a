#!/bin/sh
# `make bench`: how many 32 MiB partitions start on a 2 GiB machine. The
# appliance asks for more containers than can fit (CONFIG_MAX_CONTAINERS,
# 64), each printing one line and exiting; it boots in one-CPU Bochs with
# 2048 MiB. solo allocates every partition's RAM before the first one
# runs, so those that start were all resident at once; the rest are
# refused with "not enough free memory". They are real containers (the
# example hello image, Linux and all): some 60 kernels booting one after
# another in 10 ms slices take about 2-3 minutes of Bochs, affordable in a
# benchmark. Not a pass/fail test: it prints figures.
#   bench-capacity.sh BUILD_DIR
set -eu
build=$1
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../emu/bochs-lib.sh"
work=$(mktemp -d "${TMPDIR:-/tmp}/solo-bench-capacity.XXXXXX")
asked=64
image=$(cd "$build/example-images/hello" && pwd)

{
	echo "# $asked containers of 32 MiB (written by bench-capacity.sh)"
	printf '[appliance]\nname = capacity\n'
	i=1
	while [ "$i" -le "$asked" ]; do
		printf '\n[container c%02d]\nimage = oci:%s:latest\nmemory = 32M\ncommand = echo${IFS}up\n' \
			"$i" "$image"
		i=$((i + 1))
	done
} >"$work/capacity.conf"

echo "bench: $asked containers of 32 MiB on a 2 GiB machine (1 CPU)"
"$build/solo" build "$work/capacity.conf" -o "$work/esp.img" >"$work/build.log"
bochs_write_config "$work" "$work/esp.img" 1 file 2048
bochs_boot "$work" 900 '^solo: all partitions have ended|^solo: stopped|exception|^solo-boot: returning' || true
s=$work/serial.txt

count() { grep -Ec -- "$1" "$s" || true; }
started=$(count '^solo: \[c[0-9]+\] starting on cpu')
up=$(count '^\[c[0-9]+\] up$')
refused=$(count '^solo: \[c[0-9]+\] not started: not enough free memory')
usable=$(sed -n 's/^solo: memory: \([0-9]*\) MiB usable of.*/\1/p' "$s")
esp=$(du -m --apparent-size "$work/esp.img" | cut -f1)
echo
echo "32 MiB partitions that start on a 2 GiB machine (target >= 32):"
echo "  $started of $asked started, $up printed their line; $refused refused for want of memory"
echo "  (memory free to solo at its start: ${usable:-n/a} MiB; ESP image with the $asked initramfs images: $esp MiB)"
echo "(serial log: $s)"
