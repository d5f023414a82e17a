#!/bin/sh
# Builds the context-check container image with umoci: Debian's static
# busybox plus guest-kernel/ctxcheck's Linux program as /bin/ctxcheck-user,
# its Entrypoint; the container's `command` gives its arguments (TAG ROUNDS
# SPIN WORKERS, see guest-kernel/ctxcheck/user.c).
#   make-ctxcheck-image.sh OUT_DIR PROGRAM    (writes OUT_DIR/ctxcheck)
set -eu
out=$1 program=$2
busybox=${BUSYBOX:-/bin/busybox}
l=$out/ctxcheck
w=$out/ctxcheck.work
rm -rf "$l" "$w"
mkdir -p "$w/root/bin"
cp "$busybox" "$w/root/bin/busybox"
for a in sh cat echo; do ln -s busybox "$w/root/bin/$a"; done
cp "$program" "$w/root/bin/ctxcheck-user"
tar --owner=0 --group=0 --numeric-owner --mtime=@0 --sort=name -cf "$w/layer.tar" -C "$w/root" bin
umoci init --layout "$l"
umoci new --image "$l:latest"
umoci raw add-layer --image "$l:latest" "$w/layer.tar"
umoci config --image "$l:latest" --config.env PATH=/bin --config.entrypoint /bin/ctxcheck-user \
	--config.cmd 1 --config.cmd 100 --config.cmd 20000 --config.cmd 2
rm -rf "$w"
