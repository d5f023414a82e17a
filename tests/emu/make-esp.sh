#!/bin/sh
# Builds the ESP disk image: a FAT16 superfloppy (no partition table) of a
# whole number of 16-head, 63-sector cylinders, which both Bochs and QEMU
# boot through OVMF. Layout:
#   \EFI\BOOT\BOOTX64.EFI   the boot stage
#   \solo\hypervisor.elf    the hypervisor
#   \solo\appliance.conf    the appliance config
# usage: make-esp.sh OUT.img BOOTX64.EFI HYPERVISOR.elf APPLIANCE.conf
set -eu
out=$1 boot=$2 hv=$3 conf=$4
cylinders=${ESP_CYLINDERS:-65}
tmp="$out.tmp"
rm -f "$tmp"
truncate -s $((cylinders * 16 * 63 * 512)) "$tmp"
mkfs.vfat -F 16 -n SOLO "$tmp" >/dev/null
export MTOOLS_SKIP_CHECK=1
mmd -i "$tmp" ::/EFI ::/EFI/BOOT ::/solo
mcopy -i "$tmp" "$boot" ::/EFI/BOOT/BOOTX64.EFI
mcopy -i "$tmp" "$hv" ::/solo/hypervisor.elf
mcopy -i "$tmp" "$conf" ::/solo/appliance.conf
mv "$tmp" "$out"
