# Shared helpers for the QEMU (TCG + OVMF) scenarios; source it from a
# scenario script. POSIX sh has no local variables, so each function's
# variables carry a prefix of their own. QEMU runs in the background with its serial console in
# a file; the helpers wait for a marker with a hard timeout, always stop
# their own QEMU by PID, and check the log. Checks print check-lib.sh's
# "check: PASS name" / "check: FAIL name" lines (source check-lib.sh
# first), which tests/run.sh counts.
#
#   qemu_boot IMG LOG MARKER TIMEOUT [QEMU ARGS...]
#   qemu_boot_kernel KERNEL INITRD CMDLINE LOG MARKER TIMEOUT [QEMU ARGS...]
#   esp_add_startup_probe IMG      make the UEFI shell dump its memory map
#   expect_refused_boot NAME TEXT ERROR_LINE STATUS
#   clean_log LOG > TEXT

OVMF_CODE=${OVMF_CODE:-/usr/share/ovmf/OVMF.fd}
QEMU=${QEMU:-qemu-system-x86_64}
QEMU_PID=

# The serial log as plain text: no carriage returns, no terminal escapes
# (OVMF's console and the UEFI shell colour and position their output).
clean_log() {
	tr -d '\r' <"$1" | sed 's/\x1b\[[0-9;=?]*[A-Za-z]//g'
}

qemu_stop() {
	if [ -n "$QEMU_PID" ]; then
		kill "$QEMU_PID" 2>/dev/null || true
		wait "$QEMU_PID" 2>/dev/null || true
		QEMU_PID=
	fi
}

# Boots IMG and waits until a line of the serial log matches the extended
# regex MARKER, QEMU exits, or TIMEOUT seconds pass; then makes sure QEMU
# is gone. Returns 0 only when the marker appeared, else says why on
# stderr. QEMU's own messages go to LOG.qemu.
qemu_boot() {
	_qb_img=$1 _qb_log=$2 _qb_marker=$3 _qb_timeout=$4
	shift 4
	qemu_run_until "$_qb_log" "$_qb_marker" "$_qb_timeout" -machine q35 -bios "$OVMF_CODE" \
		-drive "format=raw,file=$_qb_img" "$@"
}

# The same for a Linux kernel booted directly (QEMU's own boot protocol
# loader, no firmware of ours): the guest side alone, without solo.
qemu_boot_kernel() {
	_qk_kernel=$1 _qk_initrd=$2 _qk_cmdline=$3
	shift 3
	_qk_log=$1 _qk_marker=$2 _qk_timeout=$3
	shift 3
	qemu_run_until "$_qk_log" "$_qk_marker" "$_qk_timeout" -kernel "$_qk_kernel" \
		-initrd "$_qk_initrd" -append "$_qk_cmdline" "$@"
}

# qemu_run_until LOG MARKER TIMEOUT QEMU ARGS...: what both boots share.
qemu_run_until() {
	_qr_log=$1 _qr_marker=$2 _qr_timeout=$3
	shift 3
	rm -f "$_qr_log"
	trap qemu_stop EXIT INT TERM
	"$QEMU" -accel tcg -m 256 -nic none \
		-serial "file:$_qr_log" -display none -monitor none -no-reboot \
		"$@" >"$_qr_log.qemu" 2>&1 &
	QEMU_PID=$!
	_qr_deadline=$(($(date +%s) + _qr_timeout))
	_qr_found=1
	while [ "$(date +%s)" -lt "$_qr_deadline" ]; do
		if [ -f "$_qr_log" ] && clean_log "$_qr_log" | grep -Eq "$_qr_marker"; then
			_qr_found=0
			break
		fi
		kill -0 "$QEMU_PID" 2>/dev/null || break
		sleep 0.2
	done
	# One last look, for a marker written just before QEMU exited.
	if [ $_qr_found -ne 0 ] && [ -f "$_qr_log" ] && clean_log "$_qr_log" | grep -Eq "$_qr_marker"; then
		_qr_found=0
	fi
	qemu_stop
	trap - EXIT INT TERM
	[ $_qr_found -eq 0 ] && return 0
	echo "no line matching '$_qr_marker' within ${_qr_timeout}s; qemu said: $(head -c 300 "$_qr_log.qemu")" >&2
	return 1
}

# Puts a startup.nsh on the ESP. When a boot option returns, OVMF's boot
# manager falls through to the built-in UEFI shell, which runs it: it
# prints the memory map (so the test sees whether the boot stage freed its
# allocations) and powers the machine off.
esp_add_startup_probe() {
	_probe="$1.startup.nsh"
	printf '%s\r\n' 'echo solo-test: memory map after return' 'memmap' \
		'echo solo-test: end of probe' 'reset -s' >"$_probe"
	MTOOLS_SKIP_CHECK=1 mcopy -o -i "$1" "$_probe" ::/startup.nsh
	rm -f "$_probe"
}

# check NAME COMMAND...: one check line, in check-lib.sh's format.
check() {
	_check_name=$1
	shift
	if "$@"; then
		echo "check: PASS $_check_name"
	else
		echo "check: FAIL $_check_name"
		checks_failed=1
	fi
}

has_line() { # has_line FILE LINE: LINE is a whole line of FILE, literally
	grep -qxF -- "$2" "$1"
}

count_is() { # count_is N FILE REGEX: exactly N lines match
	[ "$(grep -cE -- "$3" "$2")" -eq "$1" ]
}

probe_memmap() { # the shell's memory map, printed by the startup probe
	sed -n '/^solo-test: memory map after return$/,/^solo-test: end of probe$/p' "$1"
}

memmap_printed() {
	probe_memmap "$1" | grep -q '^Total Memory:'
}

# True when none of the boot stage's memory types (0x80000000-0x80000002)
# is left in the memory map: everything it allocated was freed.
memmap_clean() {
	! probe_memmap "$1" | grep -E '^8000000[0-2] '
}

# Checks, in the plain-text log TEXT of a boot the boot stage refused
# (NAME prefixes the check names): exactly one error line and it is
# ERROR_LINE; nothing was loaded; the boot stage says it returns; the
# firmware's boot manager reports the boot option failed with STATUS (the
# EFI_STATUS text of what efi_main returned, e.g. Unsupported); the UEFI
# shell starts next, and its memory map holds none of the boot stage's
# memory types.
expect_refused_boot() {
	_rb_name=$1 _rb_text=$2 _rb_line=$3 _rb_status=$4
	check "$_rb_name: the error line" has_line "$_rb_text" "$_rb_line"
	check "$_rb_name: exactly one error line" count_is 1 "$_rb_text" '^solo-boot: error:'
	expect_not "$_rb_name: nothing loaded" "$_rb_text" '^solo-boot: hypervisor at'
	expect_order "$_rb_name: boot stage returns after the error" "$_rb_text" \
		'^solo-boot: error:' '^solo-boot: returning to firmware$'
	# (no {4}: mawk, Debian's awk, has no interval expressions)
	expect_order "$_rb_name: boot manager sees status $_rb_status" "$_rb_text" \
		'^solo-boot: returning to firmware$' \
		"^BdsDxe: failed to start Boot[0-9A-F][0-9A-F][0-9A-F][0-9A-F] .*: $_rb_status\$"
	expect_order "$_rb_name: firmware goes on to the UEFI shell" "$_rb_text" \
		'^BdsDxe: failed to start Boot' 'UEFI Interactive Shell'
	check "$_rb_name: shell printed the memory map" memmap_printed "$_rb_text"
	check "$_rb_name: boot stage memory freed" memmap_clean "$_rb_text"
}
