#!/bin/sh
# `make run`: boots the appliance image in the best emulator available and
# shows its serial console.
#  - QEMU with KVM when this host exposes VMX to guests (an Intel host with
#    nested virtualisation): fast, the production-like path;
#  - otherwise Bochs, which emulates VMX in software on any host.
# Under Bochs on a terminal, the terminal is the serial console both ways
# (console-bridge.py; Ctrl-] or Ctrl-C leaves and stops Bochs). Without a
# terminal (scripts) or with SOLO_RUN_CONSOLE=file, the console goes to a
# file shown as it grows, and Bochs runs until the hypervisor prints its
# end marker ("solo: all partitions have ended" or "solo: stopped");
# SOLO_RUN_FOREVER=1 keeps it running.
#   run.sh IMAGE
set -eu
image=$(realpath "$1")
here=$(cd "$(dirname "$0")" && pwd)

if [ -w /dev/kvm ] && grep -qw vmx /proc/cpuinfo && command -v qemu-system-x86_64 >/dev/null; then
	echo "run: QEMU/KVM with nested VMX (Ctrl-A X quits)"
	exec qemu-system-x86_64 -machine q35 -enable-kvm -cpu host -smp 2 -m 512 \
		-bios /usr/share/ovmf/OVMF.fd -drive format=raw,file="$image",snapshot=on \
		-display none -serial mon:stdio -no-reboot
fi

echo "run: no VMX for guests on this host; using Bochs (emulated VT-x, about a minute)"
. "$here/bochs-lib.sh"
work=$(mktemp -d "${TMPDIR:-/tmp}/solo-run.XXXXXX")
cp "$image" "$work/esp.img"

if [ -t 0 ] && [ -t 1 ] && [ "${SOLO_RUN_CONSOLE:-terminal}" != file ]; then
	port=$(bochs_free_port)
	bochs_write_config "$work" "$work/esp.img" 2 "socket:$port"
	echo "run: this terminal is the serial console (type help; Ctrl-] or Ctrl-C leaves)"
	bochs_start "$work"
	status=0
	python3 -B "$here/console-bridge.py" "$port" "$work/serial.log" 60 || status=1
	bochs_stop "$work"
	tr -d '\r' <"$work/serial.log" >"$work/serial.txt"
	echo "run: Bochs stopped; serial log: $work/serial.txt"
	exit $status
fi

bochs_write_config "$work" "$work/esp.img" 2
: >"$work/serial.log"
marker='^solo: (all partitions have ended|stopped)'
[ "${SOLO_RUN_FOREVER:-0}" = 1 ] && marker='^$never'
timeout=${SOLO_RUN_TIMEOUT:-1800}
bochs_boot "$work" "$timeout" "$marker" &
boot_pid=$!
# Show the console as it is written; tail ends with the boot.
tail -n +1 -f --pid="$boot_pid" "$work/serial.log" | tr -d '\r' | grep -av '^$'
if wait "$boot_pid"; then status=0; else status=1; fi
echo "run: Bochs stopped; serial log: $work/serial.txt"
exit $status
