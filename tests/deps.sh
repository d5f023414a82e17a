#!/bin/sh
# Installs the Debian packages solo's build, `make run` and `make test`
# need, when any is missing: with apt-get when run as root, otherwise it
# prints the one apt-get line to run and fails. Extra package names given
# as arguments are checked too (`make fuzz` adds clang).
set -eu
packages="make gcc binutils gnu-efi newlib-source mtools dosfstools ovmf bochs bochsbios
qemu-system-x86 libcmocka-dev xz-utils syslinux syslinux-common
linux-source-6.1 flex bison bc libelf-dev lz4 busybox-static cpio libc6-dev
libarchive-dev libjansson-dev libssl-dev libcurl4-openssl-dev umoci skopeo acpica-tools
docker-registry curl sbsigntool openssl swtpm $*"
missing=""
for p in $packages; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" ||
		missing="$missing $p"
done
[ -z "$missing" ] && exit 0
if [ "$(id -u)" -eq 0 ]; then
	echo "deps: installing:$missing"
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq
	# shellcheck disable=SC2086
	apt-get install -y -qq --no-install-recommends $missing >/dev/null
else
	echo "deps: missing Debian packages; run as root:" >&2
	echo "  apt-get install -y$missing" >&2
	exit 1
fi
