#!/bin/sh
# Builds the ESP disk image: a FAT16 superfloppy (no partition table) of a
# whole number of 16-head, 63-sector cylinders, which both Bochs and QEMU
# boot through OVMF. Layout:
#   \EFI\BOOT\BOOTX64.EFI   the boot stage
#   \solo\hypervisor.elf    the hypervisor
#   \solo\appliance.conf    the appliance config
#   ESP_PATH...             any extra files, e.g. a [vm]'s kernel and initrd
# usage: make-esp.sh OUT.img BOOTX64.EFI HYPERVISOR.elf APPLIANCE.conf \
#            [ESP_PATH=HOST_FILE ...]
# ESP_PATH may use '/' or '\' (quote it for the shell): \solo\bzImage and
# /solo/bzImage are the same file. The image has at least $ESP_CYLINDERS
# (default 65) cylinders, and more when the files need them.
set -eu
out=$1 boot=$2 hv=$3 conf=$4
shift 4
cylinder=$((16 * 63 * 512))

# Room the files need: their bytes plus a cluster of slack each (at most
# 64 KiB on FAT16), 1/64 for the FAT tables and 1 MiB for the rest.
bytes=0
files=0
for f in "$boot" "$hv" "$conf"; do
	bytes=$((bytes + $(stat -c %s "$f")))
	files=$((files + 1))
done
for pair in "$@"; do
	host=${pair#*=}
	if [ "$host" = "$pair" ] || [ ! -f "$host" ]; then
		echo "make-esp.sh: '$pair' is not ESP_PATH=HOST_FILE with an existing file" >&2
		exit 1
	fi
	bytes=$((bytes + $(stat -c %s "$host")))
	files=$((files + 1))
done
need=$((bytes + files * 65536 + bytes / 64 + (1 << 20)))
cylinders=${ESP_CYLINDERS:-65}
if [ $((cylinders * cylinder)) -lt "$need" ]; then
	cylinders=$(((need + cylinder - 1) / cylinder))
fi

tmp="$out.tmp"
rm -f "$tmp"
truncate -s $((cylinders * cylinder)) "$tmp"
mkfs.vfat -F 16 -n SOLO "$tmp" >/dev/null
export MTOOLS_SKIP_CHECK=1
mmd -i "$tmp" ::/EFI ::/EFI/BOOT ::/solo
mcopy -i "$tmp" "$boot" ::/EFI/BOOT/BOOTX64.EFI
mcopy -i "$tmp" "$hv" ::/solo/hypervisor.elf
mcopy -i "$tmp" "$conf" ::/solo/appliance.conf
for pair in "$@"; do
	path=$(printf '%s' "${pair%%=*}" | tr '\\' '/')
	host=${pair#*=}
	case $path in
	/*) ;;
	*) path=/$path ;;
	esac
	# Each missing parent folder, outermost first.
	dir=
	rest=${path#/}
	while [ "${rest#*/}" != "$rest" ]; do
		dir=$dir/${rest%%/*}
		rest=${rest#*/}
		mmd -D s -i "$tmp" "::$dir" 2>/dev/null || true
	done
	mcopy -o -i "$tmp" "$host" "::$path"
done
mv "$tmp" "$out"
