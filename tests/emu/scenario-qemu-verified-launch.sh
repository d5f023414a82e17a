#!/bin/sh
# Verified launch, under QEMU (TCG + OVMF: the boot stage reads and
# checks every file before it finds no VT-x): an appliance built by solo
# build boots verified; a changed config, a changed or resized
# hypervisor, a missing manifest, another build's manifest, a manifest
# missing a file the config names and one for another appliance each
# refuse to boot with one line naming the file and the cause; an older
# build counter than the machine booted is refused (OVMF's variables
# kept in a flash image across boots); a build with --unverified boots
# and says so once. Measured launch: without a TPM one line says so; with
# swtpm's TPM 2.0 every file is extended into PCR 12, and the value the
# boot stage reads back is the one `solo pcr` computes from the image.
#   scenario-qemu-verified-launch.sh BUILD_DIR WORK_DIR
set -u
build=$(cd "$1" && pwd) work=$2
here=$(cd "$(dirname "$0")" && pwd)
. "$here/check-lib.sh"
. "$here/qemu-lib.sh"
mkdir -p "$work"
work=$(cd "$work" && pwd)
export MTOOLS_SKIP_CHECK=1
code4m=/usr/share/OVMF/OVMF_CODE_4M.fd vars4m=/usr/share/OVMF/OVMF_VARS_4M.fd

# esp NAME [SOLO_BUILD_ARG...]: builds the appliance into NAME.img.
esp() {
	_name=$1
	shift
	"$build/solo" build "$here/verify-appliance.conf" -o "$work/$_name.img" \
		--file '\solo\test.cpio'="$build/guest/test-initramfs.cpio" "$@" \
		>"$work/$_name.build" 2>&1 ||
		{ echo "check: FAIL solo build of $_name ($(tail -1 "$work/$_name.build"))"; exit 1; }
}
# boot NAME [QEMU ARG...]: boots NAME.img until the boot stage returns to
# the firmware; the log as text in NAME.txt.
boot() {
	_name=$1
	shift
	if [ $# -eq 0 ]; then
		qemu_boot "$work/$_name.img" "$work/$_name.log" '^solo-boot: returning to firmware' 120
	else
		qemu_run_until "$work/$_name.log" '^solo-boot: returning to firmware' 120 \
			-machine q35 -drive "format=raw,file=$work/$_name.img" "$@"
	fi
	clean_log "$work/$_name.log" >"$work/$_name.txt"
}
# refused NAME WHAT LINE: NAME's boot stopped at one error line LINE.
refused() {
	expect "$2: the line" "$work/$1.txt" "$3"
	expect_count "$2: one error line" "$work/$1.txt" 1 '^solo-boot: error:'
	expect_not "$2: nothing loaded" "$work/$1.txt" '^solo-boot: hypervisor at|no usable VT-x'
}
# reanchor IMG MANIFEST: puts MANIFEST on IMG and its digest into IMG's
# boot stage, as a build would have (what an attacker cannot do without
# the signing key; here it tests the checks behind the anchor).
reanchor() {
	mcopy -o -i "$1" "$2" ::/solo/manifest
	mcopy -o -i "$1" ::/EFI/BOOT/BOOTX64.EFI "$work/boot.efi"
	python3 - "$work/boot.efi" "$2" <<'PY'
import hashlib, sys
boot = open(sys.argv[1], "rb").read()
at = boot.index(b"solo-manifest-sha256-anchor-v1:\n") + 32
digest = hashlib.sha256(open(sys.argv[2], "rb").read()).digest()
open(sys.argv[1], "wb").write(boot[:at] + digest + boot[at + 32:])
PY
	mcopy -o -i "$1" "$work/boot.efi" ::/EFI/BOOT/BOOTX64.EFI
}

esp good --counter 100
boot good
expect "verified: the manifest is read and matches" "$work/good.txt" \
	"^solo-boot: verified build 100 of appliance 'verify': 5 files in the manifest, SHA-256 (by the CPU|in software)$"
expect_order "verified: every file passes, then no VT-x here" "$work/good.txt" \
	"^solo-boot: vm 'linux': kernel " '^solo-boot: error: cannot start: no usable VT-x'
expect_not "verified: no file refused" "$work/good.txt" 'digest mismatch|manifest says|not in the manifest'
expect "no TPM: one line says the launch is not measured" "$work/good.txt" \
	'^solo-boot: no TPM 2.0 \(EFI_TCG2_PROTOCOL\): the launch is not measured$'

cp "$work/good.img" "$work/config.img"
mtype -i "$work/config.img" ::/solo/appliance.conf | sed 's/memory = 64M/memory = 65M/' >"$work/changed.conf"
mcopy -o -i "$work/config.img" "$work/changed.conf" ::/solo/appliance.conf
boot config
refused config "a changed config" '^solo-boot: error: \\solo\\appliance.conf: digest mismatch: changed since the build$'

cp "$work/good.img" "$work/hv.img"
mcopy -i "$work/hv.img" ::/solo/hypervisor.elf "$work/hv.elf"
printf 'X' | dd of="$work/hv.elf" bs=1 seek=4096 conv=notrunc 2>/dev/null
mcopy -o -i "$work/hv.img" "$work/hv.elf" ::/solo/hypervisor.elf
boot hv
refused hv "a changed hypervisor" '^solo-boot: error: \\solo\\hypervisor.elf: digest mismatch: changed since the build$'

# one_byte NAME ESP_PATH: NAME.img is good.img with one byte of the file
# changed (its size kept).
one_byte() {
	cp "$work/good.img" "$work/$1.img"
	mcopy -o -i "$work/$1.img" "::$2" "$work/$1.file"
	printf 'Z' | dd of="$work/$1.file" bs=1 seek=600 conv=notrunc 2>/dev/null
	mcopy -o -i "$work/$1.img" "$work/$1.file" "::$2"
}
one_byte kernel /solo/bzImage
boot kernel
refused kernel "one byte of a kernel" "^solo-boot: error: vm 'linux': kernel \\\\solo\\\\bzImage: digest mismatch: changed since the build$"
one_byte initramfs /solo/containers/app.cpio
boot initramfs
refused initramfs "one byte of a container's initramfs" "^solo-boot: error: container 'app': initrd \\\\solo\\\\containers\\\\app.cpio: digest mismatch: changed since the build$"
one_byte manifestbyte /solo/manifest
boot manifestbyte
refused manifestbyte "one byte of the manifest" '^solo-boot: error: \\solo\\manifest: digest mismatch: not the manifest this boot stage was built with$'

cp "$work/good.img" "$work/grown.img"
mcopy -o -i "$work/grown.img" ::/solo/test.cpio "$work/grown.cpio"
printf 'extra' >>"$work/grown.cpio"
mcopy -o -i "$work/grown.img" "$work/grown.cpio" ::/solo/test.cpio
boot grown
refused grown "a file of another size" "^solo-boot: error: vm 'linux': initrd \\\\solo\\\\test.cpio: not the size the manifest says$"

cp "$work/good.img" "$work/nomanifest.img"
mdel -i "$work/nomanifest.img" ::/solo/manifest
boot nomanifest
refused nomanifest "no manifest" '^solo-boot: error: \\solo\\manifest: not found$'

esp other --counter 101
cp "$work/good.img" "$work/swapped.img"
mcopy -i "$work/other.img" ::/solo/manifest "$work/other.manifest"
mcopy -o -i "$work/swapped.img" "$work/other.manifest" ::/solo/manifest
boot swapped
refused swapped "another build's manifest" '^solo-boot: error: \\solo\\manifest: digest mismatch: not the manifest this boot stage was built with$'

cp "$work/good.img" "$work/unlisted.img"
mcopy -i "$work/good.img" ::/solo/manifest "$work/good.manifest"
grep -v 'test.cpio' "$work/good.manifest" >"$work/unlisted.manifest"
reanchor "$work/unlisted.img" "$work/unlisted.manifest"
boot unlisted
refused unlisted "a file the config names, missing from the manifest" \
	"^solo-boot: error: vm 'linux': initrd \\\\solo\\\\test.cpio: not in the manifest$"

cp "$work/good.img" "$work/foreign.img"
sed 's/^appliance verify$/appliance other/' "$work/good.manifest" >"$work/foreign.manifest"
reanchor "$work/foreign.img" "$work/foreign.manifest"
boot foreign
refused foreign "a manifest for another appliance" \
	"^solo-boot: error: \\\\solo\\\\manifest: for appliance 'other', but the config is of 'verify'$"

# Rollback: the machine's variables in a flash image kept across boots.
if [ -r "$code4m" ] && [ -r "$vars4m" ]; then
	cp "$vars4m" "$work/vars.fd"
	flash="-drive if=pflash,format=raw,unit=0,readonly=on,file=$code4m -drive if=pflash,format=raw,unit=1,file=$work/vars.fd"
	# shellcheck disable=SC2086
	boot good $flash
	expect "rollback: build 100 recorded as the newest" "$work/good.txt" \
		'^solo-boot: recorded build 100 as the newest this machine has booted$'
	esp older --counter 99
	# shellcheck disable=SC2086
	boot older $flash
	refused older "an older build" \
		'^solo-boot: error: \\solo\\manifest: build 99 is older than build 100, the newest this machine has booted \(rollback refused\)$'
	# shellcheck disable=SC2086
	boot other $flash
	expect "rollback: a newer build boots and is recorded" "$work/other.txt" \
		'^solo-boot: recorded build 101 as the newest this machine has booted$'
else
	echo "check: FAIL OVMF's 4 MiB code and variable images (package ovmf) are missing"
	checks_failed=1
fi

# Signed for Secure Boot: sbverify accepts it, and the anchor the
# signature covers still holds the manifest's digest.
openssl req -new -x509 -newkey rsa:2048 -nodes -subj "/CN=solo test db/" \
	-keyout "$work/db.key" -out "$work/db.crt" -days 30 >/dev/null 2>&1
esp signed --counter 102 --sign "$work/db.key" --cert "$work/db.crt"
mcopy -o -i "$work/signed.img" ::/EFI/BOOT/BOOTX64.EFI "$work/signed.efi"
if sbverify --cert "$work/db.crt" "$work/signed.efi" >"$work/sbverify.log" 2>&1; then
	echo "check: PASS signed: sbverify accepts the boot stage"
else
	echo "check: FAIL signed: sbverify accepts the boot stage ($(tail -1 "$work/sbverify.log"))"
	checks_failed=1
fi
boot signed
expect "signed: it boots verified" "$work/signed.txt" \
	"^solo-boot: verified build 102 of appliance 'verify': 5 files in the manifest, SHA-256 (by the CPU|in software)$"
if "$build/solo" build "$here/verify-appliance.conf" -o "$work/badkey.img" \
	--file '\solo\test.cpio'="$build/guest/test-initramfs.cpio" --sign "$work/nokey" \
	--cert "$work/db.crt" >"$work/badkey.build" 2>&1 || [ -e "$work/badkey.img" ]; then
	echo "check: FAIL signing with a missing key fails, and writes no image"
	checks_failed=1
else
	echo "check: PASS signing with a missing key fails, and writes no image"
fi
expect "signing with a missing key: one line" "$work/badkey.build" \
	'^solo build: signing the boot stage: sbsign failed: .*'

# Measured launch with swtpm's TPM 2.0 behind QEMU's TPM TIS device.
mkdir -p "$work/tpm"
swtpm socket --tpm2 --tpmstate dir="$work/tpm" --ctrl type=unixio,path="$work/tpm/sock" \
	>"$work/swtpm.log" 2>&1 &
swtpm_pid=$!
for _ in $(seq 50); do [ -S "$work/tpm/sock" ] && break; sleep 0.1; done
cp "$work/good.img" "$work/measured.img"
cp "$vars4m" "$work/tpm-vars.fd"
boot measured -drive "if=pflash,format=raw,unit=0,readonly=on,file=$code4m" \
	-drive "if=pflash,format=raw,unit=1,file=$work/tpm-vars.fd" \
	-chardev "socket,id=chrtpm,path=$work/tpm/sock" -tpmdev emulator,id=tpm0,chardev=chrtpm \
	-device tpm-tis,tpmdev=tpm0
kill "$swtpm_pid" 2>/dev/null
"$build/solo" pcr "$work/measured.img" >"$work/pcr.txt" 2>&1
expected=$(sed -n 's/^PCR 12 (sha256): \([0-9a-f]*\)$/\1/p' "$work/pcr.txt")
expect "solo pcr lists the files in the boot stage's order" "$work/pcr.txt" \
	'^event 5: \\solo\\test.cpio$'
expect "measured: every file extended into PCR 12" "$work/measured.txt" \
	'^solo-boot: TPM 2.0: measuring every file into PCR 12$'
expect "measured: PCR 12 is the value solo pcr computes" "$work/measured.txt" \
	"^solo-boot: TPM 2.0: PCR 12 \\(sha256\\) is ${expected:-none}\$"

# UEFI Secure Boot: Debian's secure-boot OVMF with its snakeoil keys
# enrolled. A boot stage signed with the snakeoil key runs (and verifies
# the rest); an unsigned one, or one signed with another key, is refused
# by the firmware before it runs.
secboot_code=/usr/share/OVMF/OVMF_CODE_4M.secboot.fd
snakeoil_vars=/usr/share/OVMF/OVMF_VARS_4M.snakeoil.fd
openssl pkey -in /usr/share/ovmf/PkKek-1-snakeoil.key -passin pass:snakeoil \
	-out "$work/snakeoil.key" >/dev/null 2>&1
esp snakeoil --counter 103 --sign "$work/snakeoil.key" --cert /usr/share/ovmf/PkKek-1-snakeoil.pem
# secure_boot NAME: boots NAME.img under Secure Boot until the boot stage
# returns or the firmware gives up on it.
secure_boot() {
	cp "$snakeoil_vars" "$work/$1-vars.fd"
	qemu_run_until "$work/$1.log" '^solo-boot: returning to firmware|failed to (load|start) Boot.*(Access Denied|Security Violation)' 150 \
		-machine q35,smm=on -global driver=cfi.pflash01,property=secure,value=on \
		-drive "if=pflash,format=raw,unit=0,readonly=on,file=$secboot_code" \
		-drive "if=pflash,format=raw,unit=1,file=$work/$1-vars.fd" \
		-drive "format=raw,file=$work/$1.img"
	clean_log "$work/$1.log" >"$work/$1.txt"
}
secure_boot snakeoil
expect "Secure Boot: the signed boot stage runs and verifies the rest" "$work/snakeoil.txt" \
	"^solo-boot: verified build 103 of appliance 'verify': 5 files in the manifest, SHA-256 (by the CPU|in software)$"
expect "Secure Boot: it gets as far as the VT-x check" "$work/snakeoil.txt" \
	'^solo-boot: error: cannot start: no usable VT-x'
cp "$work/good.img" "$work/unsigned.img"
secure_boot unsigned
expect "Secure Boot: an unsigned boot stage is refused by the firmware" "$work/unsigned.txt" \
	'failed to (load|start) Boot.*(Access Denied|Security Violation)'
expect_not "Secure Boot: it never runs" "$work/unsigned.txt" '^solo-boot: starting'
cp "$work/signed.img" "$work/otherkey.img"
secure_boot otherkey
expect "Secure Boot: a boot stage signed with another key is refused" "$work/otherkey.txt" \
	'failed to (load|start) Boot.*(Access Denied|Security Violation)'
expect_not "Secure Boot: that one never runs either" "$work/otherkey.txt" '^solo-boot: starting'

esp dev --unverified
boot dev
expect_count "unverified: said once" "$work/dev.txt" 1 '^solo-boot: unverified build: this boot stage holds no manifest digest'
expect "unverified: it boots as far as VT-x" "$work/dev.txt" '^solo-boot: error: cannot start: no usable VT-x'
if mdir -i "$work/dev.img" ::/solo/manifest >/dev/null 2>&1; then
	echo "check: FAIL unverified: no manifest on the ESP"
	checks_failed=1
else
	echo "check: PASS unverified: no manifest on the ESP"
fi
cp "$work/good.log" "$work/serial.log"
checks_done
