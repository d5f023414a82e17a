#!/bin/sh
# Writes a small synthetic bzImage: setup sectors holding a valid setup
# header (boot protocol 2.15 unless told otherwise, the field values of a
# stock x86_64 kernel) followed by a protected-mode "kernel" of NOP bytes.
# It boots nothing; it is what the loader's checks and placement see, for
# the fuzzers' seed corpus and the boot stage's emulator tests.
#   make-bzimage.sh OUT [SETUP_SECTS [PAYLOAD_BYTES [VERSION [INIT_SIZE]]]]
# PAYLOAD_BYTES is a multiple of 16; VERSION like 0x020f.
set -eu
out=$1
setup_sects=${2:-4}
payload=${3:-4096}
version=${4:-0x020f}
init_size=${5:-0x400000}
real_sects=$setup_sects
[ "$real_sects" -eq 0 ] && real_sects=4
setup_size=$(((real_sects + 1) * 512))

# le OFFSET BYTES VALUE: stores VALUE little-endian at OFFSET of $out.
le() {
	_v=$(($3))
	_i=0
	_bytes=
	while [ $_i -lt "$2" ]; do
		_bytes="$_bytes\\$(printf %03o $((_v & 255)))"
		_v=$((_v >> 8))
		_i=$((_i + 1))
	done
	# shellcheck disable=SC2059 # the escapes are the point
	printf "$_bytes" | dd of="$out" bs=1 seek=$(($1)) conv=notrunc status=none
}

head -c "$setup_size" /dev/zero >"$out"
head -c "$payload" /dev/zero | tr '\000' '\220' >>"$out"
le 0x1ef 1 0xff                  # sentinel (a loader must not copy it)
le 0x1f1 1 "$setup_sects"
le 0x1f4 4 $((payload / 16))     # syssize
le 0x1fe 2 0xaa55                # boot_flag
le 0x200 1 0xeb                  # jump over the header:
le 0x201 1 0x6a                  #   it ends at 0x26c
printf 'HdrS' | dd of="$out" bs=1 seek=$((0x202)) conv=notrunc status=none
le 0x206 2 "$version"
le 0x211 1 0x01                  # loadflags: LOADED_HIGH
le 0x214 4 0x100000              # code32_start
le 0x22c 4 0x7fffffff            # initrd_addr_max
le 0x230 4 0x200000              # kernel_alignment
le 0x234 1 1                     # relocatable_kernel
le 0x235 1 21                    # min_alignment
le 0x236 2 0x03                  # xloadflags: 64-bit, above 4G
le 0x238 4 2047                  # cmdline_size
le 0x258 8 0x1000000             # pref_address
le 0x260 4 "$init_size"
