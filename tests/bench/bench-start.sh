#!/bin/sh
# `make bench`: instant start (docs/templates.md). One static program,
# tests/bench/firstline.c, which prints the TSC as its first line and
# exits 1, started two ways in one-CPU Bochs in the same run:
# - under solo, as a container with `restart = on-failure:5`: its first
#   start boots in full and makes the template, the five restarts are
#   clones; solo reports each start's span from the moment it began to
#   build the partition to the container's first console line;
# - on a plain Linux host (the same guest kernel and busybox, booted by
#   the same firmware as solo, OVMF, through a standalone GRUB), by a shell that reads the TSC, then runs the program under
#   chroot in a fresh child (`chroot /rootfs /firstline`), five times.
#   The guest kernel has no namespaces, so the host start has none to
#   create: a cheaper start than a real container's, which makes the
#   ratio conservative for solo.
# Power-on to the first line is compared too, from each run's TSC, which
# starts at power-on in Bochs (firmware included: OVMF on both sides, then
# solo's boot stage or GRUB).
# CPU models: solo runs on Bochs's Ice Lake model, whose SHA extensions
# its boot stage hashes with (as on any Intel server since Ice Lake or AMD
# since Zen), and once more on the Skylake model the tests use, which has
# none (the boot stage hashes in software). The host runs on the Skylake
# model: Linux 6.1 booted natively on Bochs's Ice Lake model stops in its
# early CPU set-up (after the mount cache). OVMF's own part is the same
# on both models (each run prints where it handed over). The container
# start figures come from the Ice Lake run.
# Not a pass/fail test: it prints figures.
#   bench-start.sh BUILD_DIR
set -eu
build=$1
bench=$(cd "$(dirname "$0")" && pwd)
. "$bench/../emu/bochs-lib.sh"
work=$(mktemp -d "${TMPDIR:-/tmp}/solo-bench-start.XXXXXX")
${CC:-cc} -static -O2 -s -o "$work/firstline" "$bench/firstline.c"

# solo: an image holding only the program.
mkdir -p "$work/layer" "$work/solo"
cp "$work/firstline" "$work/layer/firstline"
tar --owner=0 --group=0 --numeric-owner --mtime=@0 -cf "$work/layer.tar" -C "$work/layer" firstline
umoci init --layout "$work/image" >/dev/null
umoci new --image "$work/image:latest" >/dev/null
umoci raw add-layer --image "$work/image:latest" "$work/layer.tar" >/dev/null
umoci config --image "$work/image:latest" --config.entrypoint /firstline >/dev/null
printf '[appliance]\nname = start\n\n[container first]\nimage = oci:%s:latest\nmemory = 32M\nrestart = on-failure:5\n' \
	"$work/image" >"$work/start.conf"
echo "bench: solo run (a container started once in full and five times as a clone, 1 CPU)"
"$build/solo" build "$work/start.conf" -o "$work/solo/esp.img" >"$work/solo/build.log"
BOCHS_CPU_MODEL=corei7_icelake_u bochs_write_config "$work/solo" "$work/solo/esp.img" 1
bochs_boot "$work/solo" 900 '^solo: all partitions have ended|^solo: stopped|exception' || true
echo "bench: solo run again on the Skylake model (no SHA extensions: SHA-256 in software)"
mkdir -p "$work/solo-sw"
cp "$work/solo/esp.img" "$work/solo-sw/esp.img"
BOCHS_CPU_MODEL=corei7_skylake_x bochs_write_config "$work/solo-sw" "$work/solo-sw/esp.img" 1
bochs_boot "$work/solo-sw" 900 '^solo: \[first\] timeline:|^solo: stopped|exception' || true

# The host: busybox, the program at / and under /rootfs, an init script.
echo "bench: host run (the same kernel by OVMF and GRUB, a shell starting the program under chroot, 1 CPU)"
h=$work/host
mkdir -p "$h/root/bin" "$h/root/rootfs" "$h/root/proc" "$h/root/dev"
cp /bin/busybox "$h/root/bin/busybox"
for a in sh mount chroot echo poweroff; do ln -s busybox "$h/root/bin/$a"; done
cp "$work/firstline" "$h/root/firstline"
cp "$work/firstline" "$h/root/rootfs/firstline"
cat >"$h/root/init" <<'INIT'
#!/bin/sh
mount -t proc proc /proc
mount -t devtmpfs dev /dev
for i in 1 2 3 4 5 6; do
	echo "host: before $(/firstline)"
	chroot /rootfs /firstline
done
echo "host: done"
poweroff -f
INIT
chmod +x "$h/root/init"
(cd "$h/root" && find . | cpio -o -H newc --quiet) >"$h/initrd.cpio"
BOCHS_CPU_MODEL=corei7_skylake_x bochs_native_linux_uefi "$h" "$build/guest/bzImage" "$h/initrd.cpio"
bochs_boot "$h" 900 '^host: done' || true

s=$work/solo/serial.txt n=$h/serial.txt
echo
echo "A container's start: from the start's beginning to the program's first line, in Bochs instructions (1 CPU)"
full=$(sed -n 's/^solo: \[first\] start: a full boot.* \([0-9]*\) TSC ticks.*/\1/p' "$s" | head -1)
clones=$(sed -n 's/^solo: \[first\] start: a clone of its template, \([0-9]*\) TSC ticks.*/\1/p' "$s")
host=$(awk '/^host: before first line at TSC/ { t0 = $NF; next }
	/^first line at TSC/ && t0 { print $NF - t0; t0 = 0 }' "$n")
median() { sort -n | awk '{ v[NR] = $1 } END { if (NR) print v[int((NR + 1) / 2)] }'; }
# The same end point as the host's: the program's own clock read, before
# its line goes out (solo's figure above ends when the whole line has
# reached solo's console). A clone's TSC is the host's, so the program's
# reading and solo's start are on one clock.
clones_read=$(awk '/^\[first\] first line at TSC/ { t = $NF }
	/^solo: \[first\] timeline:/ { first = $0; sub(/.*first output at TSC /, "", first); sub(/,.*/, "", first) }
	/^solo: \[first\] start: a clone of its template/ { n = $0; sub(/.*template, /, "", n); sub(/ TSC.*/, "", n)
		if (t && first) print t - (first - n) }' "$s")
clone_med=$(printf '%s\n' $clones | median)
read_med=$(printf '%s\n' $clones_read | median)
host_med=$(printf '%s\n' $host | median)
printf '  under solo, a full boot (the first start):     %s\n' "${full:-n/a}"
printf '  under solo, a clone (restarts; each):          %s\n' "$(echo $clones)"
printf '  on the host, chroot + exec (each):             %s\n' "$(echo $host)"
printf '  under solo, a clone, to the program reading the clock (the host'"'"'s end point): %s\n' "$(echo $clones_read)"
if [ -n "$clone_med" ] && [ -n "$host_med" ]; then
	awk -v c="$clone_med" -v h="$host_med" -v f="${full:-0}" 'BEGIN {
		printf "  medians: clone %d, host %d: ratio clone/host %.2f (target <= 1.0)\n", c, h, c / h
		if (f) printf "  a clone starts %.0f times faster than a full boot\n", f / c }'
fi
if [ -n "$read_med" ] && [ -n "$host_med" ]; then
	awk -v c="$read_med" -v h="$host_med" 'BEGIN {
		printf "  medians to the same end point: clone %d, host %d: ratio %.2f\n", c, h, c / h }'
fi
echo "solo's exits for a clone's whole run (the last restart):"
echo "  $(grep '^\[first\] exits: ' "$s" | tail -1 | sed 's/^\[first\] exits: //')"
grep '^\[first\] RAM: ' "$s" | tail -1 | sed 's/^/  /'

echo
echo "Power-on to the program's first line (TSC from power-on, firmware included), Bochs instructions"
host_first=$(awk '/^first line at TSC/ { print $NF; exit }' "$n")
# power_on LABEL SERIAL: one solo run's figure, and its ratio to the host's.
power_on() {
	first=$(sed -n 's/^solo: \[first\] timeline: .*first output at TSC \([0-9]*\),.*/\1/p' "$2" | head -1)
	hv=$(sed -n 's/^solo: hypervisor starting at TSC \([0-9]*\)$/\1/p' "$2")
	stage=$(sed -n 's/^solo-boot: starting at TSC \([0-9]*\)$/\1/p' "$2")
	sha=$(sed -n 's/.*files in the manifest, SHA-256 \(.*\)$/\1/p' "$2")
	printf '  solo, %s (SHA-256 %s): %s (OVMF handed over to the boot stage at %s, the hypervisor started at %s)\n' \
		"$1" "${sha:-?}" "${first:-n/a}" "${stage:-n/a}" "${hv:-n/a}"
	if [ -n "$first" ] && [ -n "$host_first" ]; then
		awk -v s="$first" -v h="$host_first" 'BEGIN { printf "    ratio solo/host: %.3f (target <= 0.98; one firmware on both sides)\n", s / h }'
	fi
}
printf '  host, Skylake model: %s\n' "${host_first:-n/a}"
power_on "Ice Lake model" "$s"
power_on "Skylake model" "$work/solo-sw/serial.txt"
mkdir -p "$build/bench"
python3 "$bench/timeline.py" "$s" "$build/bench/start-timeline.svg" || true
echo "(serial logs: $s $work/solo-sw/serial.txt $n)"
