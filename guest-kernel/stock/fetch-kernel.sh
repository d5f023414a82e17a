#!/bin/sh
# Fetches Debian's cloud kernel (the package linux-image-cloud-amd64 depends
# on) from Debian's archive with apt-get download, without installing it,
# and leaves its bzImage at OUT_DIR/vmlinuz and its version in
# OUT_DIR/version. solo's tests boot it to prove that a stock distribution
# kernel, built for ACPI and without MP-table parsing, runs under solo.
# Its virtio-net modules (virtio-mmio transport, and what virtio_net
# needs) go to OUT_DIR/modules/, in the order they load, for the test
# initramfs: they find a partition's interfaces through its DSDT.
#   fetch-kernel.sh OUT_DIR
set -eu
out=$1
meta=linux-image-cloud-amd64
mkdir -p "$out"
cd "$out"
package() {
	apt-cache depends "$meta" 2>/dev/null | awk '/Depends: linux-image-[0-9]/ { print $2; exit }'
}
pkg=$(package)
if [ -z "$pkg" ] && [ "$(id -u)" -eq 0 ]; then
	apt-get update -qq >/dev/null
	pkg=$(package)
fi
[ -n "$pkg" ] || { echo "stock kernel: $meta not in the package lists (apt-get update as root)" >&2; exit 1; }
rm -rf deb root
mkdir deb
(cd deb && apt-get download "$pkg" >/dev/null 2>&1) ||
	{ echo "stock kernel: apt-get download $pkg failed" >&2; exit 1; }
dpkg-deb -x deb/*.deb root
cp root/boot/vmlinuz-* vmlinuz
basename root/boot/vmlinuz-* | sed 's/^vmlinuz-//' >version
rm -rf modules
mkdir modules
n=0
for m in drivers/virtio/virtio_ring.ko drivers/virtio/virtio.ko drivers/virtio/virtio_mmio.ko \
	net/core/failover.ko drivers/net/net_failover.ko drivers/net/virtio_net.ko; do
	n=$((n + 1))
	cp root/lib/modules/*/kernel/$m "modules/$n-$(basename "$m")" ||
		{ echo "stock kernel: $m missing from $pkg" >&2; exit 1; }
done
rm -rf deb root
echo "  STOCK   $out/vmlinuz ($(cat version))"
