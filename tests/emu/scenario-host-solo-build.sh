#!/bin/sh
# `solo build` and `solo inspect` on the host, no emulator: a good
# appliance gives an ESP with every expected file (read back with mtools),
# written from another folder with the tool's default inputs; each bad
# input (missing image, corrupted blob, duplicate name, a layer escaping
# the root, an image with nothing to run, an unknown config key, a [vm]
# file not given) fails with status 1, exactly one line on stderr naming
# the cause, and no image, not even a temporary one, while an older image
# at the same path is left as it was. A few seconds.
#   scenario-host-solo-build.sh BUILD_DIR WORK_DIR
set -u
build=$(cd "$1" && pwd) work=$2
here=$(cd "$(dirname "$0")" && pwd)
. "$here/check-lib.sh"
solo=$build/solo
mkdir -p "$work"
work=$(cd "$work" && pwd)
export MTOOLS_SKIP_CHECK=1

# check NAME COMMAND...: the command succeeds.
check() {
	name=$1
	shift
	if "$@" >"$work/check.out" 2>&1; then
		echo "check: PASS $name"
	else
		echo "check: FAIL $name ($(head -3 "$work/check.out"))"
		checks_failed=1
	fi
}

if [ ! -x "$solo" ] || [ ! -f "$build/guest/solo-init" ] || [ ! -f "$build/guest/bzImage" ]; then
	echo "check: FAIL solo and its inputs are built (make all)"
	exit 1
fi

# The images: the example ones, a corrupted copy, one with a layer that
# climbs out of the root, one with nothing to run.
img=$work/images
sh "$here/make-example-images.sh" "$img" >/dev/null
cp -r "$img/hello" "$img/corrupt"
big=$(ls -S "$img/corrupt/blobs/sha256" | head -n 1)
printf 'X' | dd of="$img/corrupt/blobs/sha256/$big" bs=1 seek=4096 conv=notrunc 2>/dev/null
mkdir -p "$work/tar"
echo x >"$work/tar/x"
tar -P -cf "$work/escape.tar" --transform 's,^x$,../../escape,' -C "$work/tar" x
umoci init --layout "$img/escape"
umoci new --image "$img/escape:latest"
umoci raw add-layer --image "$img/escape:latest" "$work/escape.tar"
umoci config --image "$img/escape:latest" --config.cmd /bin/sh
umoci init --layout "$img/empty"
umoci new --image "$img/empty:latest"
tar -cf "$work/plain.tar" -C "$work/tar" x
umoci raw add-layer --image "$img/empty:latest" "$work/plain.tar"

check "solo --help" sh -c "'$solo' --help | grep -q '^Usage: solo COMMAND'"
check "solo build --help" sh -c "'$solo' build --help | grep -q '^Usage: solo build APPLIANCE.conf -o IMAGE'"
check "solo inspect --help" sh -c "'$solo' inspect --help | grep -q '^Usage: solo inspect IMAGE'"
check "unknown command is a usage error" sh -c "'$solo' frobnicate 2>/dev/null; [ \$? -eq 2 ]"
check "build without -o is a usage error" sh -c "'$solo' build x.conf 2>/dev/null; [ \$? -eq 2 ]"
check "solo inspect shows argv and env" sh -c "'$solo' inspect 'oci:$img/hello' | grep -q '^env *PATH=/bin'"

# conf NAME BODY: an appliance file in $work/conf, images at ../images.
mkdir -p "$work/conf"
conf() {
	printf '[appliance]\nname = t\n\n%s\n' "$2" >"$work/conf/$1.conf"
}
good='[container hello]
image = oci:../images/hello:latest
memory = 32M
env = GREETING=x

[container counter]
image = oci:../images/counter
memory = 32M
restart = on-failure:2

[vm linux]
kernel = \solo\bzImage
initrd = \solo\test.cpio
memory = 64M'
conf good "$good"
echo initrd >"$work/test.cpio"
# From another folder, with the default inputs found beside the tool.
mkdir -p "$work/elsewhere"
check "solo build succeeds from any folder" sh -c "cd '$work/elsewhere' && '$solo' build ../conf/good.conf -o ../good.img --file '/solo/test.cpio=$work/test.cpio' >../good.out"
check "summary names each container and the time" sh -c "grep -q '^  hello .*initramfs .*argv\\[0\\] /bin/sh' '$work/good.out' && grep -q '^wrote .* in [0-9.]* s' '$work/good.out'"
mdir -/ -b -i "$work/good.img" :: 2>/dev/null | tr 'A-Z' 'a-z' >"$work/good.list"
for f in /efi/boot/bootx64.efi /solo/hypervisor.elf /solo/appliance.conf /solo/bzimage \
	/solo/containers/hello.cpio /solo/containers/counter.cpio /solo/test.cpio; do
	expect "ESP holds $f" "$work/good.list" "^::$f\$"
done
check "ESP is whole 16x63 cylinders" sh -c "[ \$((\$(stat -c %s '$work/good.img') % (16 * 63 * 512))) -eq 0 ]"
check "appliance.conf is the file as given" sh -c "mtype -i '$work/good.img' ::/solo/appliance.conf | cmp -s - '$work/conf/good.conf'"
check "kernel copied unchanged" sh -c "mtype -i '$work/good.img' ::/solo/bzImage | cmp -s - '$build/guest/bzImage'"

# bad NAME REGEX [EXTRA ARGS]: building conf/NAME.conf fails as it should.
bad() {
	name=$1 want=$2
	shift 2
	out=$work/$name.img
	rm -f "$out"
	"$solo" build "$work/conf/$name.conf" -o "$out" "$@" >"$work/$name.stdout" 2>"$work/$name.err"
	status=$?
	lines=$(wc -l <"$work/$name.err")
	if [ "$status" -eq 1 ] && [ "$lines" -eq 1 ] && grep -Eq -- "$want" "$work/$name.err" &&
		[ ! -e "$out" ] && [ -z "$(ls "$work" | grep -F "$name.img.tmp")" ]; then
		printf 'check: PASS %s: exit 1, one line, no image (%s)\n' "$name" "$(cat "$work/$name.err")"
	else
		printf 'check: FAIL %s: status %s, %s lines, image left: %s (%s)\n' "$name" "$status" \
			"$lines" "$(ls "$work" | grep -F "$name.img" | tr '\n' ' ')" "$(head -3 "$work/$name.err")"
		checks_failed=1
	fi
}
conf missing '[container web]
image = oci:../images/nosuch:latest
memory = 32M'
bad missing "^solo build: container 'web': image oci:.*nosuch"
conf corrupt '[container web]
image = oci:../images/corrupt:latest
memory = 32M'
bad corrupt "^solo build: container 'web': .*digest mismatch"
conf duplicate "$good
[container hello]
image = oci:../images/hello
memory = 32M"
bad duplicate "^solo build: .*duplicate.conf: line 18: duplicate container 'hello'$"
conf escape '[container esc]
image = oci:../images/escape
memory = 32M'
bad escape "^solo build: container 'esc': .*\\.\\./\\.\\./escape.*'\\.\\.' component"
conf empty '[container empty]
image = oci:../images/empty
memory = 32M'
bad empty "^solo build: container 'empty': image has no Entrypoint or Cmd"
conf unknown '[container web]
image = oci:../images/hello
memory = 32M
colour = blue'
bad unknown "^solo build: .*unknown.conf: line 7: unknown key"
cp "$work/conf/good.conf" "$work/conf/novmfile.conf"
bad novmfile "^solo build: .*vm 'linux': \\\\solo\\\\test.cpio is not on the ESP"

# A failed build over an older image leaves that image as it was.
cp "$work/good.img" "$work/corrupt.img"
"$solo" build "$work/conf/corrupt.conf" -o "$work/corrupt.img" 2>/dev/null
check "a failed build keeps the older image" cmp -s "$work/good.img" "$work/corrupt.img"
checks_done
