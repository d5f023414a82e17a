#!/bin/sh
# Fetches Debian's cloud kernel (the package linux-image-cloud-amd64 depends
# on) from Debian's archive with apt-get download, without installing it,
# and leaves its bzImage at OUT_DIR/vmlinuz and its version in
# OUT_DIR/version. solo's tests boot it to prove that a stock distribution
# kernel, built for ACPI and without MP-table parsing, runs under solo.
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
rm -rf deb root
echo "  STOCK   $out/vmlinuz ($(cat version))"
