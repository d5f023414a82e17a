#!/bin/sh
# Scenario: the files a [vm] section names. The boot stage reads each
# VM's kernel and initrd from the ESP and checks the kernel's setup header
# before leaving the firmware. Four boots under QEMU TCG + OVMF, about
# 8 s each:
#   missing-kernel  the config names \solo\bzImage, the ESP lacks it
#   bad-kernel      \solo\bzImage is not a bzImage
#   good-files      a synthetic bzImage and an initrd, both read and
#                   checked; the boot then stops at the VT-x check, as
#                   every boot under TCG does
#   largest         as many [vm]s and containers as a config may have,
#                   every file read and checked, up to the VT-x check
# Each refused boot must print one error line, free what it allocated and
# return to the firmware.
#   scenario-qemu-vm-files.sh BUILD_DIR WORK_DIR
set -u
build=$1 work=$2
here=$(cd "$(dirname "$0")" && pwd)
. "$here/check-lib.sh"
. "$here/qemu-lib.sh"
mkdir -p "$work"

cat >"$work/vm.conf" <<'EOF'
[appliance]
name = vm-files
[vm linux]
kernel = /solo/bzImage
initrd = \solo\initrd.img
cmdline = console=ttyS0,115200 quiet
memory = 64M
EOF
sh "$here/../fuzz/make-bzimage.sh" "$work/bzImage" 4 4096 || exit 1
head -c 8192 /dev/zero >"$work/initrd.img"
head -c 4096 /dev/zero >"$work/zeros.bin"

# one_boot NAME CONF STATUS ERROR_LINE [ESP_PATH=FILE ...]: one boot and
# its checks. serial.txt ends up as the first boot with a failed check, or
# the last.
one_boot() {
	name=$1 conf=$2 status=$3 error_line=$4
	shift 4
	before=$checks_failed
	"$here/make-esp.sh" "$work/esp.img" "$build/boot/BOOTX64.EFI" \
		"$build/hypervisor/solo.elf" "$conf" "$@" || exit 1
	esp_add_startup_probe "$work/esp.img"
	check "$name: boot reaches the UEFI shell's probe" \
		qemu_boot "$work/esp.img" "$work/serial-$name.log" '^solo-test: end of probe$' 90
	clean_log "$work/serial-$name.log" >"$work/serial-$name.txt"
	expect_refused_boot "$name" "$work/serial-$name.txt" "$error_line" "$status"
	if [ "$before" -eq 0 ]; then
		cp "$work/serial-$name.log" "$work/serial.log"
		cp "$work/serial-$name.txt" "$work/serial.txt"
	fi
}

one_boot missing-kernel "$work/vm.conf" 'Load Error' \
	"solo-boot: error: vm 'linux': kernel \\solo\\bzImage: not found" \
	'/solo/initrd.img='"$work/initrd.img"
one_boot bad-kernel "$work/vm.conf" 'Load Error' \
	"solo-boot: error: vm 'linux': kernel \\solo\\bzImage: not a bzImage (no 0xAA55 boot flag)" \
	'/solo/bzImage='"$work/zeros.bin" '/solo/initrd.img='"$work/initrd.img"
no_vtx='solo-boot: error: cannot start: no usable VT-x: not an Intel CPU (vendor AuthenticAMD)'
one_boot good-files "$work/vm.conf" Unsupported "$no_vtx" \
	'/solo/bzImage='"$work/bzImage" '\solo\initrd.img='"$work/initrd.img"
t="$work/serial-good-files.txt"
check "good-files: config lists the vm" has_line "$t" \
	"solo-boot: appliance 'vm-files': 0 containers, 1 vm"
check "good-files: kernel and initrd read and checked" has_line "$t" \
	"solo-boot: vm 'linux': kernel \\solo\\bzImage (boot protocol 2.15, 6 KiB), initrd 8 KiB"

# A hand-edited ESP whose container has no initramfs: the boot stage says
# so and goes on with the others (here to the VT-x check), rather than
# refusing the whole appliance.
cat "$work/vm.conf" - >"$work/vm-ghost.conf" <<'EOF'
[container ghost]
image = oci:never-built
memory = 32M
EOF
"$here/make-esp.sh" "$work/esp.img" "$build/boot/BOOTX64.EFI" "$build/hypervisor/solo.elf" \
	"$work/vm-ghost.conf" '/solo/bzImage='"$work/bzImage" '\solo\initrd.img='"$work/initrd.img" || exit 1
esp_add_startup_probe "$work/esp.img"
check "missing-container: boot reaches the UEFI shell's probe" \
	qemu_boot "$work/esp.img" "$work/serial-ghost.log" '^solo-test: end of probe$' 90
clean_log "$work/serial-ghost.log" >"$work/serial-ghost.txt"
t="$work/serial-ghost.txt"
check "missing-container: its initramfs is reported missing" has_line "$t" \
	"solo-boot: error: container 'ghost': initrd \\solo\\containers\\ghost.cpio: not found"
check "missing-container: the others go on" has_line "$t" \
	"solo-boot: container 'ghost' will not start; the others go on"
check "missing-container: the boot goes on past it" has_line "$t" "$no_vtx"

# The largest config: 16 [vm]s, each with a kernel and an initrd of its
# own, and 512 containers sharing the kernel, 545 files in all besides the
# config and the hypervisor. Every one is read and checked (and every
# allocation freed on the way back), so the boot stage's tables and the
# handoff block have room for them.
{
	printf '[appliance]\nname = largest\n'
	for i in $(seq -w 1 16); do
		printf '[vm v%s]\nkernel = /solo/v%s/bzImage\ninitrd = /solo/v%s/initrd.img\nmemory = 32M\n' \
			"$i" "$i" "$i"
	done
	for i in $(seq -w 1 512); do
		printf '[container c%s]\nimage = oci:never-built\nmemory = 32M\n' "$i"
	done
} >"$work/largest.conf"
set -- "/solo/bzImage=$work/bzImage"
for i in $(seq -w 1 16); do
	set -- "$@" "/solo/v$i/bzImage=$work/bzImage" "/solo/v$i/initrd.img=$work/initrd.img"
done
for i in $(seq -w 1 512); do
	set -- "$@" "/solo/containers/c$i.cpio=$work/initrd.img"
done
one_boot largest "$work/largest.conf" Unsupported "$no_vtx" "$@"
t="$work/serial-largest.txt"
check "largest: config lists them all" has_line "$t" \
	"solo-boot: appliance 'largest': 512 containers, 16 vms"
check "largest: the last vm's files read and checked" has_line "$t" \
	"solo-boot: vm 'v16': kernel \\solo\\v16\\bzImage (boot protocol 2.15, 6 KiB), initrd 8 KiB"
check "largest: the last container's files read and checked" has_line "$t" \
	"solo-boot: container 'c512': kernel \\solo\\bzImage (boot protocol 2.15, 6 KiB), initrd 8 KiB"
checks_done
