#!/bin/sh
# Builds the example appliance's two container images with umoci from
# Debian's busybox-static alone, so `make run` needs no download:
#   OUT_DIR/hello     OCI layout, tag latest: prints a greeting with its
#                     hostname and $GREETING, sums 1..100, exits 0
#   OUT_DIR/counter   OCI layout, tag latest: prints one line, exits 3
#                     (the appliance restarts it on failure)
#   OUT_DIR/cpus      OCI layout, tag latest: prints the CPUs it sees, then
#                     runs a busy worker pinned to each at once, each
#                     saying where it ran (for partitions with vCPUs > 1)
# Both share one layer: /bin/busybox with a symlink per applet.
#   make-example-images.sh OUT_DIR
set -eu
out=$1
busybox=${BUSYBOX:-/bin/busybox}
rm -rf "$out"
mkdir -p "$out/work/root/bin"
w=$out/work
cp "$busybox" "$w/root/bin/busybox"
for a in $("$busybox" --list); do
	[ "$a" = busybox ] || ln -s busybox "$w/root/bin/$a"
done
# Fixed owners and times: the same busybox gives the same layer digest.
tar --owner=0 --group=0 --numeric-owner --mtime=@0 --sort=name -cf "$w/busybox.tar" \
	-C "$w/root" bin

# image NAME SCRIPT [ENV...]: an image running `/bin/sh -c SCRIPT`.
image() {
	name=$1 script=$2
	shift 2
	l=$out/$name
	umoci init --layout "$l"
	umoci new --image "$l:latest"
	umoci raw add-layer --image "$l:latest" "$w/busybox.tar"
	set -- --config.env PATH=/bin "$@"
	umoci config --image "$l:latest" --config.entrypoint /bin/sh --config.entrypoint=-c \
		--config.cmd "$script" "$@"
}

image hello 'echo "hello from $(hostname): GREETING=$GREETING, sum 1..100 = $(i=0 s=0; while [ $i -lt 100 ]; do i=$((i + 1)); s=$((s + i)); done; echo $s)"' \
	--config.env GREETING=image-default
image counter 'echo "counter: up $(cut -d" " -f1 /proc/uptime) s, exiting with status 3"; exit 3'
# Field 39 of /proc/PID/stat is the CPU the process last ran on.
image cpus 'n=$(nproc); echo "cpus: online $(cat /sys/devices/system/cpu/online), $n usable"; c=0; while [ $c -lt $n ]; do taskset -c $c sh -c '"'"'i=0; while [ $i -lt 3000 ]; do i=$((i + 1)); done; echo "cpus: worker for cpu$1 ran on cpu$(cut -d" " -f39 /proc/self/stat)"'"'"' worker $c & c=$((c + 1)); done; wait; echo "cpus: all workers done"'
rm -rf "$w"
