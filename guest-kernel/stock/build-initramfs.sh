#!/bin/sh
# Builds the initramfs a stock kernel boots with in solo's tests: Debian's
# static busybox and an /init that prints the kernel's timestamp of its
# own start (for make bench), says how many CPUs came online, shows
# the timer and serial interrupt counts, sleeps a second by the kernel's
# clock, prints what the kernel logged of errors, PCI and the clock,
# waits for solo's stop request on its control line where it has one, and
# powers off through ACPI (poweroff -f). With MODULES_DIR, its modules
# (fetch-kernel.sh's virtio-net ones) are loaded in name order after the
# first line, and each network interface's name and MAC printed.
# Uncompressed cpio (cpio-lib.sh).
#   build-initramfs.sh OUT_CPIO [MODULES_DIR]
set -eu
out=$1
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../cpio-lib.sh"
busybox=${BUSYBOX:-/bin/busybox}
root=$out.d
rm -rf "$root"
mkdir -p "$root/bin" "$root/dev" "$root/proc" "$root/sys"
cp "$busybox" "$root/bin/busybox"
mkdir -p "$root/modules"
[ -z "${2:-}" ] || cp "$2"/*.ko "$root/modules/"
for a in sh mount cat grep sleep dmesg head poweroff nproc stty insmod ls; do
	ln -s busybox "$root/bin/$a"
done
cat >"$root/init" <<'INIT'
#!/bin/sh
mount -t proc proc /proc
mount -t sysfs sys /sys
mount -t devtmpfs dev /dev
# The kernel's own timestamp of the init's start, for make bench.
echo "stock-bench: init" >/dev/kmsg
dmesg | grep -m1 'stock-bench: init'
echo "stock: $(nproc) cpus online: $(cat /sys/devices/system/cpu/online)"
# The virtio-net drivers: under solo they find each interface the DSDT
# lists (LNRO0005); natively there is none.
for m in /modules/*.ko; do
	[ -e "$m" ] && { insmod "$m" || echo "stock: insmod $m failed"; }
done
for i in /sys/class/net/eth*; do
	[ -e "$i" ] && echo "stock: ${i##*/} $(cat "$i/address")"
done
grep -E 'LOC|ttyS' /proc/interrupts
sleep 1
echo "stock: slept 1 s"
dmesg | grep -iE 'fatal|error|fail|pci: using|rtc_cmos|acpi: pm|madt|ttyS1' | head -30
# Under solo: wait for solo's stop request on the control line (COM2,
# docs/control-line.md), then show that the power button's event device
# fired too. Where there is no such port (natively) this falls through.
if stty -F /dev/ttyS1 -echo 2>/dev/null; then
	echo "stock: waiting for a stop request"
	read -r request </dev/ttyS1
	echo "stock: control line: $request"
	grep -i ged /proc/interrupts
fi
echo "stock: powering off"
poweroff -f
INIT
chmod 755 "$root/init"
cpio_archive "$root" "$out"
rm -rf "$root"
