#!/bin/sh
# Builds the test initramfs, an uncompressed cpio (newc) archive: the
# /init script from guest-kernel/test/, Debian's static busybox with links
# for the applets the script uses, and the static test programs
# (guest-kernel/test/*.c, compiled here with the host compiler against
# static glibc). The archive is reproducible (owner root, fixed times) and
# needs no root to build: the /dev/console node, which the kernel opens for
# init's stdin/stdout before running it, is written as a second archive
# appended to the first (the kernel unpacks concatenated archives).
#   build-test-initramfs.sh OUT_CPIO
# HOSTCC overrides the compiler (default gcc); BUSYBOX the busybox binary.
set -eu

[ $# -eq 1 ] || {
	echo "usage: $0 OUT_CPIO" >&2
	exit 2
}
out=$1
here=$(cd "$(dirname "$0")" && pwd)
cc=${HOSTCC:-gcc}
busybox=${BUSYBOX:-/bin/busybox}
applets="sh mount mkdir cat cut grep sed sleep poweroff ls dmesg"
programs="sse-check solo-hypercall"
cflags="-static -O2 -s -std=gnu11 -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wmissing-prototypes"

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

# newc_header NAME MODE RDEV_MAJOR RDEV_MINOR: the header of an entry with
# no data, name included and padded to 4 bytes. A newc header is 6 + 13 * 8
# = 110 ASCII bytes: magic, then inode, mode, uid, gid, nlink, mtime, size,
# device major/minor, rdev major/minor, name size (with its NUL), checksum.
newc_header() {
	_namesize=$((${#1} + 1))
	printf '070701%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X' \
		1 "$2" 0 0 1 0 0 0 0 "$3" "$4" "$_namesize" 0
	printf '%s\000' "$1"
	_pad=$(((4 - (110 + _namesize) % 4) % 4))
	while [ "$_pad" -gt 0 ]; do
		printf '\000'
		_pad=$((_pad - 1))
	done
}

# Same inputs, same archive: fixed times (the kernel keeps them), and
# --reproducible numbers inodes in order instead of copying them.
find "$root" -exec touch -h -d @0 {} +
tmp=$out.tmp
(
	cd "$root"
	find . | LC_ALL=C sort | cpio -o -H newc --owner=0:0 --reproducible --quiet
) >"$tmp"
# A character device 5:1 with mode 0600 (S_IFCHR is 0020000), then the
# end-of-archive entry.
{
	newc_header dev/console $((0020600)) 5 1
	newc_header TRAILER!!! 0 0 0
} >>"$tmp"
mv "$tmp" "$out"
echo "  CPIO    $out: $(stat -c %s "$out") bytes"
