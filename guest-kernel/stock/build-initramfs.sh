#!/bin/sh
# Builds the initramfs a stock kernel boots with in solo's tests: Debian's
# static busybox and an /init that says how many CPUs came online, shows
# the timer and serial interrupt counts, sleeps a second by the kernel's
# clock, prints what the kernel logged of errors, PCI and the clock, and
# powers off through ACPI (poweroff -f). Uncompressed cpio (cpio-lib.sh).
#   build-initramfs.sh OUT_CPIO
set -eu
out=$1
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../cpio-lib.sh"
busybox=${BUSYBOX:-/bin/busybox}
root=$out.d
rm -rf "$root"
mkdir -p "$root/bin" "$root/dev" "$root/proc" "$root/sys"
cp "$busybox" "$root/bin/busybox"
for a in sh mount cat grep sleep dmesg head poweroff nproc; do
	ln -s busybox "$root/bin/$a"
done
cat >"$root/init" <<'INIT'
#!/bin/sh
mount -t proc proc /proc
mount -t sysfs sys /sys
echo "stock: $(nproc) cpus online: $(cat /sys/devices/system/cpu/online)"
grep -E 'LOC|ttyS' /proc/interrupts
sleep 1
echo "stock: slept 1 s"
dmesg | grep -iE 'fatal|error|fail|pci: using|rtc_cmos|acpi: pm|madt|ttyS1' | head -30
echo "stock: powering off"
poweroff -f
INIT
chmod 755 "$root/init"
cpio_archive "$root" "$out"
rm -rf "$root"
