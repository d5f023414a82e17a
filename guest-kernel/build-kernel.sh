#!/bin/sh
# Builds solo's guest kernel: unpacks Debian's linux-source-6.1 tarball
# into OUT_DIR once, configures it as `make tinyconfig` plus
# guest-kernel/config.fragment, checks that every option solo relies on
# ended up built in, and copies the bzImage to OUT_DIR/bzImage (and the
# final .config to OUT_DIR/kernel.config). The result is cached: a key
# made of the fragment's and this script's sha256 and the source
# tarball's package version and size is stored in OUT_DIR/bzImage.key,
# and a run whose key matches does nothing. The kernel's own output goes
# to OUT_DIR/kernel-build.log, whose tail is printed on failure.
#   build-kernel.sh OUT_DIR
# SOLO_KERNEL_SOURCE overrides the tarball (default
# /usr/src/linux-source-6.1.tar.xz).
set -eu

# Options the hypervisor and the guest init depend on: each must be =y.
# (config.fragment holds the reasons; this list guards against an edit of
# the fragment, or a new kernel's dependencies, silently dropping one.)
REQUIRED="64BIT X86_64 SMP PRINTK TTY SERIAL_8250 SERIAL_8250_CONSOLE
BLK_DEV_INITRD BINFMT_ELF BINFMT_SCRIPT PROC_FS SYSFS DEVTMPFS DEVTMPFS_MOUNT
SHMEM TMPFS X86_LOCAL_APIC X86_X2APIC HYPERVISOR_GUEST PARAVIRT KVM_GUEST
X86_MPPARSE X86_TSC KERNEL_LZ4 NET INET UNIX PACKET NETDEVICES NET_CORE VIRTIO
VIRTIO_MMIO VIRTIO_MMIO_CMDLINE_DEVICES VIRTIO_NET"
# Options that must stay out: no loadable modules, and nothing that makes
# the kernel expect firmware tables or buses solo does not provide.
FORBIDDEN="MODULES ACPI PCI"

[ $# -eq 1 ] || {
	echo "usage: $0 OUT_DIR" >&2
	exit 2
}
out=$1
here=$(cd "$(dirname "$0")" && pwd)
fragment=$here/config.fragment
tarball=${SOLO_KERNEL_SOURCE:-/usr/src/linux-source-6.1.tar.xz}
log=$out/kernel-build.log
key_file=$out/bzImage.key

say() { echo "  KERNEL  $*"; }
die() {
	echo "guest-kernel: error: $*" >&2
	exit 1
}
[ -f "$tarball" ] || die "$tarball missing (run \`make deps\`: Debian package linux-source-6.1)"

# The tarball's identity without reading its 130 MiB: the Debian
# package's version and the file's size.
package=$(dpkg-query -S "$tarball" 2>/dev/null | cut -d: -f1 | head -1) || true
version=unpackaged
[ -n "$package" ] && version=$(dpkg-query -W -f='${Version}' "$package")
size=$(stat -c %s "$tarball")
source_id="$(basename "$tarball") $version $size"
key="fragment $(sha256sum <"$fragment" | cut -d' ' -f1)
script $(sha256sum <"$0" | cut -d' ' -f1)
source $source_id"

if [ -f "$out/bzImage" ] && [ -f "$key_file" ] && [ "$(cat "$key_file")" = "$key" ]; then
	say "$out/bzImage is up to date"
	exit 0
fi

for tool in make gcc flex bison bc xz; do
	command -v "$tool" >/dev/null || die "$tool missing (run \`make deps\`)"
done
[ -f /usr/include/libelf.h ] || die "libelf.h missing (run \`make deps\`: libelf-dev)"

mkdir -p "$out"
out=$(cd "$out" && pwd)
log=$out/kernel-build.log
key_file=$out/bzImage.key
: >"$log"
started=$(date +%s)
elapsed() { echo "$(($(date +%s) - started)) s"; }

# run DESCRIPTION COMMAND...: a phase whose output goes to the log.
run() {
	_what=$1
	shift
	echo "### $_what: $*" >>"$log"
	if ! "$@" >>"$log" 2>&1; then
		echo "guest-kernel: error: $_what failed; last lines of $log:" >&2
		tail -n 40 "$log" >&2
		exit 1
	fi
}

# Unpack once per tarball identity; a tree from another tarball, or an
# interrupted unpack, is removed first. Unpacked beside the output so a
# fragment change rebuilds incrementally.
src=$out/linux
if [ "$(cat "$src/.solo-source-id" 2>/dev/null)" != "$source_id" ]; then
	say "unpacking $tarball ($version)"
	rm -rf "$src" "$out/unpack.tmp"
	mkdir -p "$out/unpack.tmp"
	run unpack tar -xf "$tarball" -C "$out/unpack.tmp"
	mv "$out/unpack.tmp"/* "$src"
	rmdir "$out/unpack.tmp"
	echo "$source_id" >"$src/.solo-source-id"
fi

# Fixed user and host names so the banner does not depend on who built it.
export KBUILD_BUILD_USER=solo KBUILD_BUILD_HOST=solo
say "configuring: tinyconfig + $(basename "$fragment") ($(elapsed))"
run tinyconfig make -C "$src" tinyconfig
run merge "$src/scripts/kconfig/merge_config.sh" -m -O "$src" "$src/.config" "$fragment"
run olddefconfig make -C "$src" olddefconfig

# Every value the fragment sets must have survived olddefconfig (kconfig
# silently drops a value whose dependencies are not met), and the
# REQUIRED/FORBIDDEN lists must hold.
config=$src/.config
bad=""
while read -r line; do
	grep -qxF "$line" "$config" || bad="$bad $line"
done <<EOF
$(grep -E '^CONFIG_[A-Z0-9_]+=' "$fragment")
EOF
for sym in $(sed -n 's/^# \(CONFIG_[A-Z0-9_]*\) is not set$/\1/p' "$fragment"); do
	grep -qE "^$sym=" "$config" && bad="$bad $sym=n"
done
for sym in $REQUIRED; do
	grep -qx "CONFIG_$sym=y" "$config" || bad="$bad CONFIG_$sym=y"
done
for sym in $FORBIDDEN; do
	grep -qE "^CONFIG_$sym=" "$config" && bad="$bad CONFIG_$sym=n"
done
[ -z "$bad" ] || die "these options did not end up in $config as asked:$bad"

say "building bzImage with $(nproc) jobs, log in $log ($(elapsed))"
run build make -C "$src" -j"$(nproc)" bzImage
cp "$src/arch/x86/boot/bzImage" "$out/bzImage.tmp"
mv "$out/bzImage.tmp" "$out/bzImage"
cp "$config" "$out/kernel.config"
echo "$key" >"$key_file"
say "$out/bzImage: $(stat -c %s "$out/bzImage") bytes, built in $(elapsed)"
