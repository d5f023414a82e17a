#!/bin/sh
# Regenerates the binary seeds in tests/fuzz/corpus/bzimage/: a few small
# synthetic bzImages (made by make-bzimage.sh) that pass bzimage_check()
# or fail it at different steps, so the fuzzer starts past the magic
# numbers. The text seeds for the config parser are kept as they are.
#   make-seeds.sh [DIR]   (default: tests/fuzz/corpus/bzimage)
set -eu
here=$(cd "$(dirname "$0")" && pwd)
dir=${1:-$here/corpus/bzimage}
mkdir -p "$dir"
gen="$here/make-bzimage.sh"
sh "$gen" "$dir/v2.15-small" 1 64
sh "$gen" "$dir/setup-sects-0" 0 128
sh "$gen" "$dir/v2.12" 2 256 0x020c 0x2000
sh "$gen" "$dir/v2.04-too-old" 1 64 0x0204
sh "$gen" "$dir/init-size-too-small" 1 512 0x020f 0x100
# fuzz_bzimage takes the guest from the boot sector's first bytes: RAM in
# MiB - 1 (byte 0), extra 4 KiB pages, vCPUs, initrd length / 64 (bytes 3
# and 4, big-endian), command-line length. Give the valid seeds a guest
# that fits: 40 MiB, 2 vCPUs, a 1 KiB initrd, a 20-character line.
for seed in v2.15-small setup-sects-0 v2.12; do
	printf '\050\000\002\000\020\024' | dd of="$dir/$seed" bs=1 conv=notrunc status=none
done
