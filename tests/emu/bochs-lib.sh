# Shared by the Bochs scenarios and `make run`: boot an ESP image in Bochs
# with OVMF, serial console to a file, and wait for a marker line.
# shared/TESTING.md (in the project's shared notes) explains each setting.

# bochs_write_config DIR IMAGE CPUS [SERIAL [MEGS]]
# Writes DIR/bochsrc.txt and DIR/cont.rc. The image must be a superfloppy
# of 65 cylinders x 16 heads x 63 sectors (tests/emu/make-esp.sh).
# SERIAL is "file" (the default: COM1 output to DIR/serial.log) or
# "socket:PORT": COM1 both ways on a TCP server at localhost:PORT, for
# scenarios that type on the console (Bochs waits for the client).
# MEGS is the machine's memory in MiB (default 512).
# BOCHS_EXTRA, when set, holds further bochsrc lines appended as they are
# (a NIC for scenario-bochs-uplink.sh, say). BOCHS_CPU_MODEL, when set,
# replaces the CPU model (corei7_skylake_x, shared/TESTING.md).
bochs_write_config() {
	dir=$1 image=$2 cpus=$3 serial=${4:-file} megs=${5:-512}
	case $serial in
	socket:*) com1="mode=socket-server, dev=localhost:${serial#socket:}" ;;
	*) com1="mode=file, dev=$dir/serial.log" ;;
	esac
	size=$(stat -c %s "$image")
	cylinders=$((size / (16 * 63 * 512)))
	cat >"$dir/bochsrc.txt" <<CONF
memory: guest=$megs, host=$megs
sound: waveoutdrv=dummy, waveindrv=dummy, midioutdrv=dummy
romimage: file=/usr/share/ovmf/OVMF.fd, address=0x0
vgaromimage: file=/usr/share/bochs/VGABIOS-lgpl-latest
cpu: model=${BOCHS_CPU_MODEL:-corei7_skylake_x}, count=$cpus, ips=200000000, reset_on_triple_fault=0, ignore_bad_msrs=1
pci: enabled=1, chipset=i440fx
ata0-master: type=disk, path=$image, mode=flat, cylinders=$cylinders, heads=16, spt=63
boot: disk
clock: sync=none, time0=1
com1: enabled=1, $com1
port_e9_hack: enabled=1
display_library: rfb, options="timeout=0"
log: $dir/bochs.log
info: action=ignore
debug: action=ignore
error: action=report
panic: action=fatal
CONF
	[ -z "${BOCHS_EXTRA:-}" ] || printf '%s\n' "$BOCHS_EXTRA" >>"$dir/bochsrc.txt"
	echo c >"$dir/cont.rc"
}

# bochs_start DIR: starts Bochs on DIR/bochsrc.txt in the background, its
# PID in bochs_pid. bochs_stop DIR kills it and clears its image locks.
# Bochs' display server takes a port from 5900-5949 first thing, and once
# in a while (seen in a soak of 20 boots) finds none and exits at once:
# such a start is tried again, up to three times.
bochs_start() {
	for _bst_try in 1 2 3; do
		rm -f "$1"/*.lock
		(cd "$1" && exec bochs -q -f bochsrc.txt -rc cont.rc </dev/null >"$1/bochs.out" 2>&1) &
		bochs_pid=$!
		_bst_wait=0
		while [ "$_bst_wait" -lt 10 ] && kill -0 "$bochs_pid" 2>/dev/null; do
			sleep 0.1
			_bst_wait=$((_bst_wait + 1))
		done
		kill -0 "$bochs_pid" 2>/dev/null && return
		grep -q 'RFB could not bind' "$1/bochs.log" 2>/dev/null || return
		wait "$bochs_pid" 2>/dev/null
		sleep 1
	done
}

bochs_stop() {
	kill "$bochs_pid" 2>/dev/null || true
	wait "$bochs_pid" 2>/dev/null || true
	rm -f "$1"/*.lock
}

# bochs_boot DIR TIMEOUT_SECONDS MARKER_REGEX
# Runs Bochs until the serial log matches MARKER_REGEX, Bochs exits, or the
# timeout passes; always kills Bochs. Returns 0 when the marker was seen.
bochs_boot() {
	dir=$1 timeout=$2 marker=$3
	: >"$dir/serial.log"
	bochs_start "$dir"
	seen=1
	waited=0
	while [ "$waited" -lt "$timeout" ]; do
		if grep -Eq "$marker" "$dir/serial.log" 2>/dev/null; then
			# The marker may match a line still being written: let
			# Bochs finish it.
			sleep 1
			seen=0
			break
		fi
		kill -0 "$bochs_pid" 2>/dev/null || break
		sleep 1
		waited=$((waited + 1))
	done
	bochs_stop "$dir"
	tr -d '\r' <"$dir/serial.log" >"$dir/serial.txt"
	return $seen
}

# bochs_native_linux DIR KERNEL INITRD: a disk in DIR from which Bochs'
# legacy BIOS boots KERNEL with INITRD through SYSLINUX, without solo,
# for benchmarks' native runs; DIR/bochsrc.txt ready for one CPU. Bochs
# claims a 3.5 GHz TSC in CPUID while its TSC runs at the configured
# 200 MHz: the kernel is told the truth, as solo's CPUID tells it, or its
# delays would run 17 times too long.
bochs_native_linux() {
	_nl_dir=$1 _nl_img=$1/disk.img
	truncate -s $((65 * 16 * 63 * 512)) "$_nl_img"
	mkfs.vfat -F 16 -n NATIVE "$_nl_img" >/dev/null
	MTOOLS_SKIP_CHECK=1 mcopy -i "$_nl_img" "$2" ::/KERNEL
	MTOOLS_SKIP_CHECK=1 mcopy -i "$_nl_img" "$3" ::/INITRD
	printf 'DEFAULT linux\nPROMPT 0\nLABEL linux\n  KERNEL /KERNEL\n  APPEND initrd=/INITRD console=ttyS0,115200 quiet tsc_early_khz=200000\n' \
		>"$_nl_dir/syslinux.cfg"
	MTOOLS_SKIP_CHECK=1 mcopy -i "$_nl_img" "$_nl_dir/syslinux.cfg" ::/SYSLINUX.CFG
	syslinux --install "$_nl_img"
	bochs_write_config "$_nl_dir" "$_nl_img" 1
	sed -i 's#^romimage: .*#romimage: file=/usr/share/bochs/BIOS-bochs-latest#' "$_nl_dir/bochsrc.txt"
}

# bochs_native_linux_uefi DIR KERNEL INITRD: the same native Linux booted
# through the firmware solo boots through (OVMF), so that a power-on
# comparison has one firmware on both sides: a standalone GRUB (Debian's
# grub-efi-amd64-bin) as \EFI\BOOT\BOOTX64.EFI carries the kernel and
# initrd in its memory disk, as the one file the firmware loads, and
# boots the kernel through the legacy boot protocol (it has no EFI stub).
bochs_native_linux_uefi() {
	_nu_dir=$1 _nu_img=$1/disk.img
	printf 'set timeout=0\nlinux (memdisk)/kernel console=ttyS0,115200 quiet tsc_early_khz=200000\ninitrd (memdisk)/initrd\nboot\n' \
		>"$_nu_dir/grub.cfg"
	grub-mkstandalone -O x86_64-efi --install-modules="linux normal memdisk tar boot" \
		--modules="linux memdisk normal" --fonts= --locales= --themes= -o "$_nu_dir/BOOTX64.EFI" \
		"boot/grub/grub.cfg=$_nu_dir/grub.cfg" "kernel=$2" "initrd=$3"
	truncate -s $((65 * 16 * 63 * 512)) "$_nu_img"
	mkfs.vfat -F 16 -n NATIVE "$_nu_img" >/dev/null
	MTOOLS_SKIP_CHECK=1 mmd -i "$_nu_img" ::/EFI ::/EFI/BOOT
	MTOOLS_SKIP_CHECK=1 mcopy -i "$_nu_img" "$_nu_dir/BOOTX64.EFI" ::/EFI/BOOT/BOOTX64.EFI
	bochs_write_config "$_nu_dir" "$_nu_img" 1
}

# bochs_run_appliance BUILD_DIR WORK_DIR CONF CPUS [SOLO_BUILD_ARG...]
# Builds CONF's ESP with `solo build` (and any further arguments, such as
# --file) into WORK_DIR and boots it on CPUS emulated CPUs until every
# partition has ended (or solo stopped). Exits the scenario with a FAIL
# check line when the build fails.
bochs_run_appliance() {
	_ra_build=$1 _ra_work=$2 _ra_conf=$3 _ra_cpus=$4
	shift 4
	"$_ra_build/solo" build "$_ra_conf" -o "$_ra_work/esp.img" "$@" >"$_ra_work/build.log" 2>&1 ||
		{ echo "check: FAIL solo build of $(basename "$_ra_conf") ($(tail -1 "$_ra_work/build.log"))"; exit 1; }
	bochs_write_config "$_ra_work" "$_ra_work/esp.img" "$_ra_cpus"
	bochs_boot "$_ra_work" 900 '^solo: all partitions have ended|^solo: stopped|exception'
}

# bochs_free_port: a TCP port free on localhost now, for a socket console
# (several scenarios may run at once).
bochs_free_port() {
	python3 -c 'import socket; s = socket.socket(); s.bind(("localhost", 0)); print(s.getsockname()[1])'
}

# bochs_console_appliance BUILD_DIR WORK_DIR CONF CPUS CLIENT TIMEOUT [SOLO_BUILD_ARG...]
# Builds CONF's ESP with `solo build` (and any further arguments) and
# boots it on CPUS CPUs with COM1 on a socket while CLIENT types on the
# console (bochs_session). Prints the check line for the client's run and
# sets checks_failed when it failed; exits the scenario when the build
# fails.
bochs_console_appliance() {
	_ca_build=$1 _ca_work=$2 _ca_conf=$3 _ca_cpus=$4 _ca_client=$5 _ca_timeout=$6
	shift 6
	"$_ca_build/solo" build "$_ca_conf" -o "$_ca_work/esp.img" "$@" >"$_ca_work/build.log" 2>&1 ||
		{ echo "check: FAIL solo build of $(basename "$_ca_conf") ($(tail -1 "$_ca_work/build.log"))"; exit 1; }
	_ca_port=$(bochs_free_port)
	bochs_write_config "$_ca_work" "$_ca_work/esp.img" "$_ca_cpus" "socket:$_ca_port"
	if bochs_session "$_ca_work" "$_ca_port" "$_ca_client" "$_ca_timeout"; then
		echo "check: PASS the scripted session ran to its end"
	else
		echo "check: FAIL the scripted session: $(tail -1 "$_ca_work/client.log")"
		checks_failed=1
	fi
}

# bochs_session DIR PORT CLIENT [ARG...]
# Runs Bochs (configured with "socket:PORT") while the Python program
# CLIENT types on its console, as `CLIENT PORT DIR/serial.txt ARG...`
# (tests/emu/console_session.py); kills Bochs when the client ends.
# Returns the client's exit status; what it printed is in DIR/client.log.
# (POSIX sh has no local variables: these carry a prefix of their own.)
bochs_session() {
	_bs_dir=$1 _bs_port=$2 _bs_client=$3
	shift 3
	bochs_start "$_bs_dir"
	_bs_status=0
	python3 -B "$_bs_client" "$_bs_port" "$_bs_dir/serial.txt" "$@" >"$_bs_dir/client.log" 2>&1 ||
		_bs_status=$?
	bochs_stop "$_bs_dir"
	return $_bs_status
}
