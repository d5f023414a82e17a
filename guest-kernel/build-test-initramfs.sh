#!/bin/sh
# Builds the test initramfs, an uncompressed cpio (newc) archive: the
# /init script from guest-kernel/test/, Debian's static busybox with links
# for the applets the script uses, and the static test programs
# (guest-kernel/test/*.c, compiled here with the host compiler against
# static glibc). The archive is reproducible and needs no root to build
# (cpio-lib.sh says how).
#   build-test-initramfs.sh OUT_CPIO
# HOSTCC overrides the compiler (default gcc); BUSYBOX the busybox binary.
set -eu

[ $# -eq 1 ] || {
	echo "usage: $0 OUT_CPIO" >&2
	exit 2
}
out=$1
here=$(cd "$(dirname "$0")" && pwd)
. "$here/cpio-lib.sh"
cc=${HOSTCC:-gcc}
busybox=${BUSYBOX:-/bin/busybox}
applets="sh mount mkdir cat cut grep sed sleep poweroff ls dmesg"
programs="sse-check solo-hypercall"
cflags="-static -O2 -s -std=gnu11 -I$here/include -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wmissing-prototypes"

die() {
	echo "test-initramfs: error: $*" >&2
	exit 1
}
[ -x "$busybox" ] || die "$busybox missing (run \`make deps\`: busybox-static)"
# The dynamic busybox would need a loader and libraries in the archive.
if ldd "$busybox" >/dev/null 2>&1; then
	die "$busybox is dynamically linked; install busybox-static"
fi
command -v cpio >/dev/null || die "cpio missing (run \`make deps\`)"

root=$out.d
rm -rf "$root"
mkdir -p "$root/bin" "$root/dev" "$root/proc" "$root/sys" "$root/tmp"
cp "$busybox" "$root/bin/busybox"
for a in $applets; do
	ln -s busybox "$root/bin/$a"
done
for p in $programs; do
	# shellcheck disable=SC2086
	"$cc" $cflags -o "$root/bin/$p" "$here/test/$p.c" ||
		die "compiling $p failed (static glibc comes with libc6-dev)"
done
cp "$here/test/init" "$root/init"
chmod 755 "$root/init" "$root/bin"/*
chmod 1777 "$root/tmp"

cpio_archive "$root" "$out" || die "cpio failed"
echo "  CPIO    $out: $(stat -c %s "$out") bytes"
