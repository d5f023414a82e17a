# Shared by the Bochs scenarios and `make run`: boot an ESP image in Bochs
# with OVMF, serial console to a file, and wait for a marker line.
# shared/TESTING.md (in the project's shared notes) explains each setting.

# bochs_write_config DIR IMAGE CPUS [SERIAL]
# Writes DIR/bochsrc.txt and DIR/cont.rc. The image must be a superfloppy
# of 65 cylinders x 16 heads x 63 sectors (tests/emu/make-esp.sh).
# SERIAL is "file" (the default: COM1 output to DIR/serial.log) or
# "socket:PORT": COM1 both ways on a TCP server at localhost:PORT, for
# scenarios that type on the console (Bochs waits for the client).
bochs_write_config() {
	dir=$1 image=$2 cpus=$3 serial=${4:-file}
	case $serial in
	socket:*) com1="mode=socket-server, dev=localhost:${serial#socket:}" ;;
	*) com1="mode=file, dev=$dir/serial.log" ;;
	esac
	size=$(stat -c %s "$image")
	cylinders=$((size / (16 * 63 * 512)))
	cat >"$dir/bochsrc.txt" <<CONF
memory: guest=512, host=512
sound: waveoutdrv=dummy, waveindrv=dummy, midioutdrv=dummy
romimage: file=/usr/share/ovmf/OVMF.fd, address=0x0
vgaromimage: file=/usr/share/bochs/VGABIOS-lgpl-latest
cpu: model=corei7_skylake_x, count=$cpus, ips=200000000, reset_on_triple_fault=0, ignore_bad_msrs=1
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
	echo c >"$dir/cont.rc"
}

# bochs_boot DIR TIMEOUT_SECONDS MARKER_REGEX
# Runs Bochs until the serial log matches MARKER_REGEX, Bochs exits, or the
# timeout passes; always kills Bochs. Returns 0 when the marker was seen.
bochs_boot() {
	dir=$1 timeout=$2 marker=$3
	: >"$dir/serial.log"
	rm -f "$dir"/*.lock
	(cd "$dir" && exec bochs -q -f bochsrc.txt -rc cont.rc </dev/null >"$dir/bochs.out" 2>&1) &
	pid=$!
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
		kill -0 "$pid" 2>/dev/null || break
		sleep 1
		waited=$((waited + 1))
	done
	kill "$pid" 2>/dev/null || true
	wait "$pid" 2>/dev/null || true
	rm -f "$dir"/*.lock
	tr -d '\r' <"$dir/serial.log" >"$dir/serial.txt"
	return $seen
}

# bochs_run_appliance BUILD_DIR WORK_DIR CONF CPUS
# Builds CONF's ESP with `solo build` into WORK_DIR and boots it on CPUS
# emulated CPUs until every partition has ended (or solo stopped). Exits
# the scenario with a FAIL check line when the build fails.
bochs_run_appliance() {
	"$1/solo" build "$3" -o "$2/esp.img" >"$2/build.log" 2>&1 ||
		{ echo "check: FAIL solo build of $(basename "$3") ($(tail -1 "$2/build.log"))"; exit 1; }
	bochs_write_config "$2" "$2/esp.img" "$4"
	bochs_boot "$2" 900 '^solo: all partitions have ended|^solo: stopped|exception'
}
