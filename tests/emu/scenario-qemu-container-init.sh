#!/bin/sh
# Scenario: solo-init, the container partition's PID 1, without the
# hypervisor. Builds container initramfs images the way the host tool
# lays them out (a root file system, here Debian's static busybox, beside
# /.solo/init and /.solo/spec) and boots each with the guest kernel under
# QEMU (TCG) with rdinit=/.solo/init. Checks: the command runs with the
# spec's arguments, environment (and nothing of init's), directory, uid and
# hostname; orphans are reaped; its exit status is reported and the machine
# powers off; a missing command gives docker's status 127, one that cannot
# be executed 126, a bad spec 125; a stop request (SIGTERM to PID 1) is
# forwarded to the command and followed by SIGKILL after the grace period.
# Solo is not detected under QEMU, so solo-init reports by console line.
# About 15 s.
#   scenario-qemu-container-init.sh BUILD_DIR WORK_DIR
set -u
build=$1 work=$2
here=$(cd "$(dirname "$0")" && pwd)
. "$here/check-lib.sh"
. "$here/qemu-lib.sh"
. "$here/../../guest-kernel/cpio-lib.sh"
mkdir -p "$work"
kernel=$build/guest/bzImage
init=$build/guest/solo-init
busybox=${BUSYBOX:-/bin/busybox}

for f in "$kernel" "$init" "$busybox"; do
	if [ ! -f "$f" ]; then
		echo "check: FAIL container images buildable ($f missing: make guest, make deps)"
		exit 1
	fi
done

# The root file system all boots share: busybox with a link per applet,
# /dev for the console node, and no /proc, /sys or /tmp (solo-init makes
# them).
root=$work/rootfs
rm -rf "$root"
mkdir -p "$root/bin" "$root/dev" "$root/.solo"
cp "$busybox" "$root/bin/busybox"
for a in $("$busybox" --list); do
	[ "$a" = busybox ] || ln -s busybox "$root/bin/$a"
done
cp "$init" "$root/.solo/init"
chmod 755 "$root/.solo/init"

# boot NAME EXTRA_CMDLINE: archives the root file system with the spec on
# stdin as /.solo/spec, boots it, and leaves the plain-text serial output
# in $work/NAME.txt, set as $s.
boot() {
	cat >"$root/.solo/spec"
	cpio_archive "$root" "$work/$1.cpio"
	check "$1: boot ends in power-off" \
		qemu_boot_kernel "$kernel" "$work/$1.cpio" \
		"console=ttyS0,115200 quiet rdinit=/.solo/init $2" \
		"$work/$1.log" 'reboot: (System halted|Power down)|Kernel panic' 60
	s=$work/$1.txt
	clean_log "$work/$1.log" >"$s"
	expect_not "$1: no panic or console warning" "$s" 'Kernel panic|Oops|BUG:|unable to open an initial console'
}

# The command of the brief's example, plus: TERM, which the kernel gives
# init, must not reach it; an orphan (the backgrounded sleep, whose parent
# subshell exits at once) must be reaped by PID 1, leaving no zombie.
# shellcheck disable=SC2016 # $NAME and $(...) are for the guest's shell
boot run '' <<'SPEC'
argv=/bin/sh
argv=-c
argv=echo hello from $NAME in $(pwd) as $(id -u):$(id -g) on $(hostname), TERM=${TERM-unset}; (sleep 0.2 &); sleep 1; echo zombies: $(grep -l "^[0-9]* ([^)]*) Z" /proc/[0-9]*/stat | wc -l); exit 3
env=NAME=demo
cwd=/tmp
uid=1000
gid=100
hostname=box
SPEC
expect "run: command output with the spec applied" "$s" \
	'^hello from demo in /tmp as 1000:100 on box, TERM=unset$'
expect "run: orphans reaped" "$s" '^zombies: 0$'
expect_order "run: status reported, then power-off (a halt: no ACPI)" "$s" \
	'^solo-init: /bin/sh exited with status 3$' 'reboot: (System halted|Power down)$'

boot missing '' <<'SPEC'
argv=/bin/foo
SPEC
expect "missing command: exec error line" "$s" \
	'^solo-init: exec /bin/foo: No such file or directory$'
expect "missing command: status 127" "$s" '^solo-init: /bin/foo exited with status 127$'

boot not-executable '' <<'SPEC'
argv=/bin
SPEC
expect "not executable: exec error line" "$s" '^solo-init: exec /bin: Permission denied$'
expect "not executable: status 126" "$s" '^solo-init: /bin exited with status 126$'

boot bad-spec '' <<'SPEC'
argv=/bin/true
user=root
SPEC
expect "bad spec: error line" "$s" "^solo-init: /.solo/spec: line 2: unknown key 'user'\$"
expect "bad spec: status 125" "$s" '^solo-init: container exited with status 125$'

# The command asks for its own stop (SIGTERM to PID 1), catches the
# forwarded SIGTERM and carries on, so the grace period (2 s, from the
# kernel command line into init's environment) ends in SIGKILL. argv[0]
# without a slash is looked up in the spec's PATH.
# shellcheck disable=SC2016
boot stop 'SOLO_STOP_GRACE=2' <<'SPEC'
argv=sh
argv=-c
argv=trap 'echo caught TERM' TERM; kill -TERM 1; while :; do sleep 1; done
env=PATH=/bin
SPEC
expect "stop: SIGTERM forwarded to the command" "$s" '^caught TERM$'
expect_order "stop: SIGKILL after the grace period" "$s" '^caught TERM$' \
	'^solo-init: stop: grace period of 2 s over, killing the command$'
expect "stop: status of a killed command" "$s" '^solo-init: sh killed by signal 9$'
checks_done
